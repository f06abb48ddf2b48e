import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { AuditEvent, TopicLayout } from '@dsr/shared';
import { loadDemoSecrets, type DemoSecrets } from '../../cli/src/demo/demo-secrets';
import { defaultDemoSettings, type DemoSettings } from '../../cli/src/demo/demo-settings';
import { OutcomeTracker } from '../../cli/src/demo/outcome-tracker';
import { serviceSpecs, type ServiceSpec } from '../../cli/src/demo/service-configs';
import { Supervisor } from '../../cli/src/demo/supervisor';
import {
  forcedFaultsBySource,
  planTraffic,
  type PlannedTask,
} from '../../cli/src/demo/traffic-plan';
import { startTopicReader } from '../../cli/src/kafka/topic-reader';
import { submitTasks } from '../../cli/src/tasks/submit-tasks';
import {
  isolatedDatabase,
  isolatedTopics,
  testEndpoints,
  testKafka,
  uniqueName,
} from './environment';
import { testSerde } from './pipeline-fixtures';
import { prefixOf } from './run-dsr';

/** The whole pipeline as separate processes, on a test's own topics, database and ports. */
export interface PipelineProcesses {
  layout: TopicLayout;
  settings: DemoSettings;
  secrets: DemoSecrets;
  plan: PlannedTask[];
  specs: ReadonlyMap<string, ServiceSpec>;
  supervisor: Supervisor;
  tracker: OutcomeTracker;
  /** Every audit event of the run, in arrival order. */
  events: AuditEvent[];
  /** The base URL of a service's /metrics, /healthz and /readyz. */
  opsUrl(service: PipelineService): string;
  /** Sends the planned tasks to the intake topic. */
  submit(tasks?: readonly PlannedTask[]): Promise<void>;
}

export type PipelineService = 'ingest' | 'router' | 'poller' | 'dlq-auditor';

/**
 * Starts the simulator and the four services from their compiled entry points, configured as
 * the demo configures them but on isolated topics, a fresh database and free ports, and follows
 * the audit topic. Everything is stopped and removed when the test ends.
 */
export async function startPipelineProcesses(
  t: TestContext,
  options: { tasks: number; seed?: number },
): Promise<PipelineProcesses> {
  const layout = await isolatedTopics(t, { partitions: 3, retryDelaysMs: [1_000, 3_000, 9_000] });
  const databaseUrl = await isolatedDatabase(t);
  const stateDir = mkdtempSync(join(tmpdir(), 'dsr-pipeline-'));
  const settings: DemoSettings = {
    ...defaultDemoSettings(),
    topicPrefix: prefixOf(layout),
    databaseName: new URL(databaseUrl).pathname.slice(1),
    stateDir,
    ports: await freePorts(),
    tasks: options.tasks,
  };
  const secrets = loadDemoSecrets(join(stateDir, 'secrets.json'));
  const runId = uniqueName('op').replace(/[^a-z0-9]/gi, '');
  const plan = planTraffic({
    count: options.tasks,
    runId,
    seed: options.seed ?? 11,
    nowMs: Date.now(),
  });

  const supervisor = new Supervisor({ logDir: join(stateDir, 'logs') });
  t.after(async () => {
    await supervisor.stopAll();
    rmSync(stateDir, { recursive: true, force: true });
  });
  const list = serviceSpecs(settings, testEndpoints(), secrets, forcedFaultsBySource(plan));
  for (const spec of list) await supervisor.start(spec, AbortSignal.timeout(120_000));

  const { tracker, events } = await followAudit(t, layout, plan);
  const ports: Record<PipelineService, number> = {
    ingest: settings.ports.ingest,
    router: settings.ports.router,
    poller: settings.ports.poller,
    'dlq-auditor': settings.ports.auditor,
  };
  return {
    layout,
    settings,
    secrets,
    plan,
    specs: new Map(list.map((spec) => [spec.name, spec])),
    supervisor,
    tracker,
    events,
    opsUrl: (service) => `http://127.0.0.1:${ports[service]}`,
    submit: (tasks = plan) => submitPlanned(t, layout, tasks),
  };
}

async function followAudit(t: TestContext, layout: TopicLayout, plan: readonly PlannedTask[]) {
  const serde = testSerde(layout);
  const tracker = new OutcomeTracker(plan.map((p) => p.task.request_id));
  const events: AuditEvent[] = [];
  const topic = layout.topics.audit;
  const reader = await startTopicReader({
    kafka: testKafka(),
    topic,
    onMessage: async (message) => {
      const { value } = await serde.decode<AuditEvent>(topic, message.value);
      events.push(value);
      tracker.accept(value);
    },
  });
  t.after(() => reader.close());
  return { tracker, events };
}

async function submitPlanned(t: TestContext, layout: TopicLayout, tasks: readonly PlannedTask[]) {
  const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  t.after(() => producer.disconnect());
  await submitTasks(
    tasks.map((p) => p.task),
    { producer, serde: testSerde(layout), topic: layout.topics.intake, batchSize: 20 },
  );
}

export async function freePorts(): Promise<DemoSettings['ports']> {
  const names = ['ingest', 'router', 'poller', 'auditor', 'auditorApi', 'simulator'] as const;
  const ports = await Promise.all(names.map(() => freePort()));
  return Object.fromEntries(names.map((name, i) => [name, ports[i]!])) as DemoSettings['ports'];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One Prometheus text exposition, parsed into samples. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Reads a service's /metrics and parses every sample. */
export async function scrape(baseUrl: string): Promise<MetricSample[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

/** Parses the Prometheus text format (samples only; comments and types are skipped). */
export function parseExposition(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;

    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of a metric's samples whose labels include `match`. */
export function total(
  samples: readonly MetricSample[],
  name: string,
  match: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
