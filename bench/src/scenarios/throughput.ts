import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { createBenchLayout } from '../kafka/bench-layout';
import { offsetsWritten } from '../kafka/topic-volume';
import { requestIdOf, sendIntakeBurst, type IntakeOrder } from '../load/preload';
import { AuditWatch } from '../observe/audit-watch';
import { formatRate, formatRatio } from '../report/format';
import { emptyResult, type ScenarioResult } from '../report/scenario-result';
import { startPipeline } from '../services/pipeline';
import { STALL_MS, watchWhile, type Watched } from '../services/watched-run';
import { steadyRate } from '../stats/steady-rate';

/** Every fifth task is a high-priority deletion; the rest are standard access requests. */
const HIGH_EVERY = 5;

/** The poller's cap; with a source that answers at once it only needs to hide round trips. */
const CONCURRENCY = 64;

/** The end-to-end target on a 2-core machine, tasks per second. */
const TARGET_PER_SEC = 3_000;

/** One end-to-end run: its name (topics, output folder), size and router settings. */
export interface ThroughputRun {
  name: string;
  count: number;
  routerSettings?: Record<string, unknown>;
}

/** Rates of one end-to-end run. */
export interface ThroughputRates {
  /** Outcomes per second between the 10th and 90th percentile of outcome times. */
  sustained: number;
  /** All tasks from the first send to the last outcome. */
  overall: number;
  /** Offsets written to the broker per task: records and transaction markers, every topic. */
  offsetsPerTask: number;
}

/**
 * End-to-end throughput: with every service running and a source that answers at once, a burst
 * of intake tasks goes through ingest, router and poller to its outcome on the audit topic.
 */
export async function measureThroughput(
  context: BenchContext,
  findings: BenchFindings,
): Promise<ScenarioResult> {
  const count = context.scale.throughputTasks;
  const run = await runThroughput(context, { name: 'throughput', count });
  const { sustained, overall, offsetsPerTask } = run.value;
  const ceiling = findings.ceiling?.producerRecordsPerSec;

  const result = emptyResult();
  result.rows.push(
    {
      measure: 'end-to-end throughput, intake to outcome (sustained)',
      value: `${formatRate(sustained)} tasks/s (whole burst: ${formatRate(overall)} tasks/s)`,
      target: `>= ${formatRate(TARGET_PER_SEC)} tasks/s`,
      met: sustained >= TARGET_PER_SEC,
    },
    {
      measure: 'end-to-end / broker producer ceiling',
      value:
        ceiling === undefined ? 'n/a (ceiling not measured)' : formatRatio(sustained / ceiling),
    },
    {
      measure: 'broker offsets written per task (records + transaction markers)',
      value: brokerLoad(sustained, offsetsPerTask, ceiling),
    },
  );
  result.usage.push({
    scenario: 'end-to-end throughput',
    windowMs: run.windowMs,
    processes: run.processes,
  });
  result.notes.push(
    `End-to-end throughput: ${count.toLocaleString('en-US')} intake tasks (1 in ${HIGH_EVERY} a ` +
      'high-priority deletion, the rest standard access requests whose exports the poller ' +
      'stores) written as one burst once ingest, router, poller and the simulator were ready; ' +
      `the source answers at once; poller cap ${CONCURRENCY}. Sustained = outcomes per second ` +
      'between the 10th and the 90th percentile of outcome times; whole burst = all tasks ' +
      'from the first send to the last outcome.',
  );
  return result;
}

/** Offsets per task, and what they add up to against the broker's ceiling when it is known. */
function brokerLoad(
  sustained: number,
  offsetsPerTask: number,
  ceiling: number | undefined,
): string {
  const perTask = offsetsPerTask.toFixed(1);
  if (ceiling === undefined) return perTask;

  const offsetsPerSec = sustained * offsetsPerTask;
  return (
    `${perTask}, so the broker took ${formatRate(offsetsPerSec)} offsets/s: ` +
    `${formatRatio(offsetsPerSec / ceiling)} of its producer ceiling`
  );
}

/** Runs one burst through the whole pipeline on its own topics. */
export async function runThroughput(
  context: BenchContext,
  run: ThroughputRun,
): Promise<Watched<ThroughputRates>> {
  const layout = await createBenchLayout(context, run.name);
  const watch = new AuditWatch(context, layout);
  const orders: IntakeOrder[] = Array.from({ length: run.count }, (_, index) => ({
    requestId: requestIdOf(context, run.name, index),
    kind: index % HIGH_EVERY === 0 ? 'high' : 'standard',
  }));

  try {
    await watch.start();
    const pipeline = await startPipeline(context, {
      scenario: run.name,
      layout,
      stages: ['ingest', 'router'],
      concurrency: CONCURRENCY,
      sourceKnobs: { latency: 0 },
      routerSettings: run.routerSettings,
    });
    context.progress(`${run.name}: ${run.count} intake tasks as one burst`);
    return await watchWhile(context, pipeline, async () => {
      const sentAt = await sendIntakeBurst(context, layout, orders);
      await watch.waitForProgress(
        () => watch.outcomes.size,
        run.count,
        STALL_MS,
        `${run.name} outcomes`,
      );
      const times = [...watch.outcomes.values()].map((o) => o.occurredAt);
      const firstSentAt = [...sentAt.values()].reduce((a, b) => Math.min(a, b));
      const lastOutcomeAt = times.reduce((a, b) => Math.max(a, b));
      return {
        sustained: steadyRate(times),
        overall: (run.count * 1000) / (lastOutcomeAt - firstSentAt),
        offsetsPerTask: (await offsetsWritten(context.kafka, layout.layout)) / run.count,
      };
    });
  } finally {
    await watch.close();
    await layout.remove();
  }
}
