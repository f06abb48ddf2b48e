import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import {
  AvroSerde,
  REPO_ROOT,
  type AuditEvent,
  type DeadLetterRecord,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import { Poller, parsePollerConfig } from '@dsr/poller';
import type { Simulator } from '@dsr/simulator';
import { testEndpoints, testKafka, testLogger, uniqueName } from './environment';
import { prefixOf } from './run-dsr';
import { collectTopic, type ReadRecord } from './topic-records';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A routed task as the router would put it on a lane, with overrides. */
export function routedTask(overrides: Partial<RoutedTask> = {}): RoutedTask {
  const now = Date.now();
  return {
    request_id: uniqueName('req'),
    subject_email: 'someone@example.test',
    action: 'deletion',
    source_system: 'crm',
    priority: 3,
    jurisdiction: 'EU',
    received_at: now,
    deadline: now + 30 * DAY_MS,
    deadline_derived: true,
    deadline_passed: false,
    changes: null,
    trace_id: uniqueName('trace'),
    subject_key: 'a'.repeat(64),
    validated_at: now,
    lane: 'standard',
    routed_at: now,
    attempt: 0,
    first_failure_at: null,
    last_error_code: null,
    last_error_category: null,
    origin: null,
    poll: null,
    not_before: null,
    deferrals: 0,
    replays: 0,
    ...overrides,
  };
}

/** Writes tasks onto a lane topic, keyed by request id, in batches. */
export async function produceTasks(
  layout: TopicLayout,
  tasks: readonly RoutedTask[],
): Promise<void> {
  const serde = new AvroSerde({ registryUrl: testEndpoints().schemaRegistryUrl, layout });
  const producer = testKafka().producer();
  await producer.connect();
  try {
    for (let i = 0; i < tasks.length; i += 1_000) {
      const chunk = tasks.slice(i, i + 1_000);
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const task of chunk) {
        const topic = task.lane === 'high' ? layout.topics.tasksHigh : layout.topics.tasksStandard;
        const messages = byTopic.get(topic) ?? [];
        messages.push({ key: task.request_id, value: await serde.encode(topic, task) });
        byTopic.set(topic, messages);
      }
      await producer.sendBatch({
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The poller's HTTP connector settings for a simulated source, async jobs or synchronous. */
export function simulatedSource(
  sim: Simulator,
  name: string,
  mode: 'async' | 'sync' = 'async',
): Record<string, unknown> {
  const origin = new URL(sim.sourceUrl(name)).origin;
  const body = {
    request_id: '{{request_id}}',
    action: '{{action}}',
    subject: '{{subject_email}}',
    changes: '{{changes}}',
  };
  const submit =
    mode === 'async'
      ? { method: 'POST', path: '/sources/{source_system}/jobs', body, async: true }
      : { method: 'POST', path: '/sources/{source_system}/requests', body, resultPath: 'result' };
  return {
    kind: 'http',
    baseUrl: origin,
    timeoutMs: 5_000,
    actions: { access: submit, deletion: submit, rectification: submit },
    job: {
      idPath: 'job_id',
      status: { method: 'GET', path: '/sources/{source_system}/jobs/{job_id}' },
      statusPath: 'status',
      doneValues: ['done'],
      failedValues: ['failed'],
      resultPath: 'result',
    },
    polling: { initialDelayMs: 200, maxDelayMs: 1_000, multiplier: 2, jitterRatio: 0.2 },
  };
}

/** A poller configuration for tests: a unique group, short timeouts, results in a temp folder. */
export function testPollerConfig(
  overrides: Record<string, unknown> & { sources: Record<string, unknown> },
): Record<string, unknown> {
  return {
    consumerGroup: uniqueName('poller'),
    concurrency: { global: 32 },
    retry: { deadlineMarginMs: 0 },
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
    outcomes: { lingerMs: 20, maxBatch: 500, transactionTimeoutMs: 10_000 },
    results: { kind: 'directory', path: mkdtempSync(join(tmpdir(), 'dsr-results-')) },
    ...overrides,
  };
}

/** Starts a poller in this process; it is closed when the test ends. */
export async function startPoller(
  t: TestContext,
  layout: TopicLayout,
  rawConfig: unknown,
): Promise<Poller> {
  const endpoints = testEndpoints();
  const poller = new Poller({
    config: parsePollerConfig(rawConfig, 'test configuration'),
    layout,
    kafkaBrokers: endpoints.kafkaBrokers,
    schemaRegistryUrl: endpoints.schemaRegistryUrl,
    logger: testLogger('poller'),
  });
  t.after(() => poller.close());
  await poller.start();
  return poller;
}

/** A poller running as its own process (`node services/poller/dist/main.js`). */
export interface PollerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Standard error so far, for failure messages. */
  stderr(): string;
}

/** Spawns a poller process on the test's topics; it is killed when the test ends. */
export function spawnPoller(
  t: TestContext,
  layout: TopicLayout,
  rawConfig: unknown,
): PollerProcess {
  const folder = mkdtempSync(join(tmpdir(), 'dsr-poller-'));
  const configPath = join(folder, 'poller.json');
  writeFileSync(configPath, JSON.stringify(rawConfig));

  const endpoints = testEndpoints();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'services/poller/dist/main.js')], {
    env: {
      ...process.env,
      POLLER_CONFIG: configPath,
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      DATABASE_URL: endpoints.databaseUrl,
      DSR_TOPIC_PREFIX: prefixOf(layout),
      DSR_RETRY_DELAYS_MS: layout.retryTiers.map((tier) => tier.delayMs).join(','),
      METRICS_PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)),
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, exited, stderr: () => stderr };
}

/** What the pipeline recorded: the audit trail and the dead letters, as downstream reads them. */
export interface RecordedOutcomes {
  audit: ReadRecord<AuditEvent>[];
  deadLetters: ReadRecord<DeadLetterRecord>[];
}

/** Collects the audit and dead-letter topics from the beginning, read_committed. */
export async function collectOutcomes(
  t: TestContext,
  layout: TopicLayout,
): Promise<RecordedOutcomes> {
  const [audit, deadLetters] = await Promise.all([
    collectTopic<AuditEvent>(t, layout, layout.topics.audit),
    collectTopic<DeadLetterRecord>(t, layout, layout.topics.dlq),
  ]);
  return { audit, deadLetters };
}

/** The final outcomes per request id: successes and dead letters, each as a list. */
export function finalOutcomes(
  outcomes: RecordedOutcomes,
): Map<string, { succeeded: AuditEvent[]; deadLettered: DeadLetterRecord[] }> {
  const byRequest = new Map<
    string,
    { succeeded: AuditEvent[]; deadLettered: DeadLetterRecord[] }
  >();
  const entry = (id: string) => {
    let found = byRequest.get(id);
    if (!found) byRequest.set(id, (found = { succeeded: [], deadLettered: [] }));
    return found;
  };
  for (const { value } of outcomes.audit) {
    if (value.stage === 'succeeded' && value.request_id)
      entry(value.request_id).succeeded.push(value);
  }
  for (const { value } of outcomes.deadLetters) entry(value.request_id).deadLettered.push(value);
  return byRequest;
}
