import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AvroSerde,
  createKafka,
  createLogger,
  resolveEndpoints,
  type AuditEvent,
  type Endpoints,
  type Logger,
  type TopicLayout,
} from '@dsr/shared';
import { AuditorClient } from '../auditor/auditor-client';
import type { ChainVerdict, StoredRecord } from '../auditor/api-types';
import { startTopicReader } from '../kafka/topic-reader';
import type { Output } from '../output';
import { submitTasks } from '../tasks/submit-tasks';
import { assertPortsFree, ensureDatabase, provisionDemo, startStack } from './demo-infrastructure';
import { loadDemoSecrets, type DemoSecrets } from './demo-secrets';
import type { DemoSettings } from './demo-settings';
import { OutcomeTracker, formatProgress } from './outcome-tracker';
import { serviceSpecs } from './service-configs';
import { buildSummary, type StoreCounts } from './summary';
import { Supervisor } from './supervisor';
import { forcedFaultsBySource, planTraffic, type PlannedTask } from './traffic-plan';

/** Things to close when the demo ends, last opened first. */
type Closer = () => Promise<void>;

/** What the steps of one run share. */
interface DemoRun {
  settings: DemoSettings;
  out: Output;
  signal: AbortSignal;
  startedAt: number;
  runId: string;
  logger: Logger;
  supervisor: Supervisor;
  closers: Closer[];
}

/**
 * The main job: brings up the stack, provisions the demo's topics, starts the four services and
 * the simulator, submits the planned traffic, shows progress until every task has its outcome,
 * and prints the summary. Resolves with the exit status: 0 when every task reached the outcome
 * planned for it. Everything it started is stopped before it returns, also when aborted.
 */
export async function runDemo(
  settings: DemoSettings,
  out: Output,
  signal: AbortSignal,
): Promise<number> {
  const startedAt = Date.now();
  const supervisor = new Supervisor({ logDir: join(settings.stateDir, 'logs') });
  const run: DemoRun = {
    settings,
    out,
    signal,
    startedAt,
    runId: startedAt.toString(36),
    logger: createLogger({ service: 'dsr-demo', level: 'silent' }),
    supervisor,
    closers: [() => supervisor.stopAll()],
  };
  // After Ctrl-C the children, in the same process group, close on their own signal: expected.
  supervisor.onUnexpectedExit((name, code, file) => {
    if (!signal.aborted) out.note(`! ${name} exited (${code}); see ${file}`);
  });

  try {
    const { endpoints, layout } = await prepareInfrastructure(run);
    const plan = planTraffic({
      count: settings.tasks,
      runId: run.runId,
      seed: settings.seed,
      nowMs: startedAt,
    });
    const secrets = loadDemoSecrets(join(settings.stateDir, 'secrets.json'));
    await startServices(run, endpoints, secrets, plan);

    const { tracker, submittedAt } = await submitAndWatch(run, endpoints, layout, plan);
    const matches = await summarise(run, secrets, plan, tracker, submittedAt);
    await holdIfAsked(run);
    return matches ? 0 : 1;
  } finally {
    out.line('stopping what the demo started …');
    for (const close of run.closers.reverse()) await close().catch(() => undefined);
    out.line(`stopped; the demo took ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  }
}

async function prepareInfrastructure(
  run: DemoRun,
): Promise<{ endpoints: Endpoints; layout: TopicLayout }> {
  const { settings, out } = run;
  out.line('1/5  local stack: Kafka (KRaft), Apicurio Registry, PostgreSQL');
  await startStack((line) => out.line(line), run.signal);

  const endpoints = resolveEndpoints();
  await ensureDatabase(endpoints, settings.databaseName);
  const layout = await provisionDemo(settings, endpoints, run.logger);
  const tiers = layout.retryTiers.map((tier) => tier.name).join(', ');
  out.line(`     topics under "${settings.topicPrefix}", retry tiers ${tiers}`);
  await assertPortsFree(settings.ports);
  return { endpoints, layout };
}

async function startServices(
  run: DemoRun,
  endpoints: Endpoints,
  secrets: DemoSecrets,
  plan: readonly PlannedTask[],
): Promise<void> {
  run.out.line('2/5  services: simulator, dlq-auditor, poller, router, ingest');
  for (const spec of serviceSpecs(run.settings, endpoints, secrets, forcedFaultsBySource(plan))) {
    const t0 = Date.now();
    await run.supervisor.start(spec, run.signal);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const log = run.supervisor.logFile(spec.name);
    run.out.line(`     ${spec.name.padEnd(11)} ready in ${seconds} s  (log ${log})`);
  }
}

async function submitAndWatch(
  run: DemoRun,
  endpoints: Endpoints,
  layout: TopicLayout,
  plan: readonly PlannedTask[],
): Promise<{ tracker: OutcomeTracker; submittedAt: Map<string, number> }> {
  const kafka = createKafka({
    clientId: 'dsr-demo',
    brokers: endpoints.kafkaBrokers,
    logger: run.logger,
  });
  const serde = new AvroSerde({ registryUrl: endpoints.schemaRegistryUrl, layout });
  const tracker = new OutcomeTracker(plan.map((p) => p.task.request_id));
  const topic = layout.topics.audit;
  const reader = await startTopicReader({
    kafka,
    topic,
    groupPrefix: `${run.settings.topicPrefix}dsr-cli-demo`,
    onMessage: async (message) =>
      tracker.accept((await serde.decode<AuditEvent>(topic, message.value)).value),
  });
  run.closers.push(() => reader.close());

  run.out.line(`3/5  traffic: ${plan.length} tasks, run ${run.runId} (${describeMix(plan)})`);
  const submittedAt = await submit(plan, kafka, serde, layout, run.closers);

  run.out.line('4/5  progress');
  const { timeoutMs } = run.settings;
  const finished = await watch(tracker, run.startedAt, timeoutMs, run.out, run.signal);
  if (!finished)
    run.out.note(`     not every task reached an outcome within ${timeoutMs / 1000} s`);
  return { tracker, submittedAt };
}

async function summarise(
  run: DemoRun,
  secrets: DemoSecrets,
  plan: readonly PlannedTask[],
  tracker: OutcomeTracker,
  submittedAt: ReadonlyMap<string, number>,
): Promise<boolean> {
  run.out.line('5/5  summary');
  const store = await storeCounts(run.settings, secrets, plan).catch((error: unknown) => {
    run.out.note(`     the dead-letter store could not be read: ${(error as Error).message}`);
    return null;
  });
  const elapsedMs = Date.now() - run.startedAt;
  const summary = buildSummary({
    plan,
    journeys: tracker.journeys(),
    submittedAt,
    store,
    elapsedMs,
  });
  for (const line of summary.lines) run.out.line(line);
  printNextSteps(run.settings, run.out, plan);
  return summary.matches;
}

async function holdIfAsked(run: DemoRun): Promise<void> {
  if (!run.settings.keepRunning || run.signal.aborted) return;

  run.out.line('\nEverything keeps running; press Ctrl-C to stop it.');
  await delay(2 ** 31 - 1, undefined, { signal: run.signal }).catch(() => undefined);
}

async function submit(
  plan: readonly PlannedTask[],
  kafka: ReturnType<typeof createKafka>,
  serde: AvroSerde,
  layout: TopicLayout,
  closers: Closer[],
): Promise<Map<string, number>> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  closers.push(() => producer.disconnect());

  const submittedAt = new Map<string, number>();
  const tasks = plan.map((p) => p.task);
  let acknowledged = 0;
  await submitTasks(tasks, {
    producer,
    serde,
    topic: layout.topics.intake,
    batchSize: 40,
    onProgress: (sent) => {
      const now = Date.now();
      for (const task of tasks.slice(acknowledged, sent)) submittedAt.set(task.request_id, now);
      acknowledged = sent;
    },
  });
  return submittedAt;
}

/** Prints progress every two seconds until every task has an outcome or the time is up. */
async function watch(
  tracker: OutcomeTracker,
  started: number,
  timeoutMs: number,
  out: Output,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (!tracker.finished && Date.now() < deadline) {
    signal.throwIfAborted();
    const line = `     ${formatProgress(tracker.progress(), Date.now() - started)}`;
    if (line !== last) out.line(line);
    last = line;
    await Promise.race([tracker.whenFinished(), delay(2_000, undefined, { signal })]);
  }
  out.line(`     ${formatProgress(tracker.progress(), Date.now() - started)}`);
  return tracker.finished;
}

/** Asks the auditor what it stored for this run, and whether its record chain holds. */
async function storeCounts(
  settings: DemoSettings,
  secrets: DemoSecrets,
  plan: readonly PlannedTask[],
): Promise<StoreCounts> {
  const baseUrl = `http://127.0.0.1:${settings.ports.auditorApi}`;
  const viewer = new AuditorClient({ baseUrl, token: secrets.tokens.viewer });
  const auditor = new AuditorClient({ baseUrl, token: secrets.tokens.auditor });
  const ids = new Set(plan.map((p) => p.task.request_id));
  const expectedDead = plan.filter((p) => p.expected === 'dead_lettered').length;
  const expectedQuarantine = plan.filter((p) => p.expected === 'quarantined').length;

  // The auditor stores records a moment after the poller and ingest publish them.
  let records: StoredRecord[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    records = (await allRecords(viewer)).filter(
      (r) => r.requestId !== null && ids.has(r.requestId),
    );
    const dead = records.filter((r) => r.kind === 'dead_letter').length;
    if (dead >= expectedDead && records.length - dead >= expectedQuarantine) break;
    await delay(500);
  }

  const verdict = await auditor.post<ChainVerdict>('/v1/chain/verify');
  return {
    deadLetters: records.filter((r) => r.kind === 'dead_letter').length,
    quarantined: records.filter((r) => r.kind === 'quarantine').length,
    chainIntact: verdict.intact,
    lastFailures: lastFailures(records),
  };
}

/** Stored dead letters by the category and code of their last failure. */
function lastFailures(records: readonly StoredRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) {
    if (r.kind !== 'dead_letter') continue;

    const code = `${r.errorCode ?? 'unknown'}${r.breakerRefusal ? ' (breaker refusal)' : ''}`;
    const key = `${r.errorCategory ?? 'unknown'}\u0000${code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function allRecords(client: AuditorClient): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await client.get<{ records: StoredRecord[] }>('/v1/records', {
      after,
      limit: 500,
    });
    records.push(...page.records);
    if (page.records.length < 500) return records;
    after = page.records.at(-1)!.position;
  }
}

function describeMix(plan: readonly PlannedTask[]): string {
  const counts = new Map<string, number>();
  for (const p of plan) counts.set(p.expected, (counts.get(p.expected) ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} expected to end ${outcome}`).join(', ');
}

function printNextSteps(settings: DemoSettings, out: Output, plan: readonly PlannedTask[]): void {
  const example = plan.find((p) => p.scenario === 'transient-then-ok') ?? plan[0]!;
  const prefix = `--prefix ${settings.topicPrefix}`;
  out.line('');
  out.line('Next, with the demo running (npm run demo -- --keep-running):');
  out.line(`  npm run -s dsr -- ${prefix} follow ${example.task.request_id}`);
  out.line(`  npm run -s dsr -- ${prefix} lag`);
  const token = `$(node -p "require('./.stack/demo/secrets.json').tokens.operator")`;
  const auditorUrl = `http://127.0.0.1:${settings.ports.auditorApi}`;
  out.line(`  DSR_AUDITOR_TOKEN=${token} \\`);
  out.line(`    npm run -s dsr -- --auditor-url ${auditorUrl} dlq list`);
  out.line(`  metrics: curl http://127.0.0.1:${settings.ports.poller}/metrics`);
}
