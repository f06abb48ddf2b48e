import { setTimeout as delay } from 'node:timers/promises';
import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { createBenchLayout } from '../kafka/bench-layout';
import { preloadLane } from '../load/preload';
import { ProbeSender } from '../load/probe-sender';
import type { TaskKind } from '../load/task-samples';
import { AuditWatch } from '../observe/audit-watch';
import { stageBreakdown, type TaskMoments } from '../observe/stage-breakdown';
import { describeSpread, formatMs, formatRate } from '../report/format';
import { emptyResult, type ResultRow, type ScenarioResult } from '../report/scenario-result';
import { startPipeline } from '../services/pipeline';
import { STALL_MS, watchWhile, type Watched } from '../services/watched-run';
import { summarize } from '../stats/percentiles';

/** Probes stop once this share of the backlog has drained, so every probe ran during it. */
const PROBE_UNTIL_DRAINED = 0.9;

const CONCURRENCY = 64;

/** One priority run: its name (topics, output folder), backlog and router settings. */
export interface PriorityRun {
  name: string;
  backlog: number;
  routerSettings?: Record<string, unknown>;
}

/**
 * Priority under load: a standard backlog waits on the standard lane; while the poller drains
 * it, single high-priority and standard tasks enter through intake at a steady pace. Each probe's
 * latency runs from its send to the moment its outcome is readable on the audit topic.
 */
export async function measurePriority(
  context: BenchContext,
  _findings: BenchFindings,
): Promise<ScenarioResult> {
  const backlog = context.scale.backlogTasks;
  const run = await runPriority(context, { name: 'priority', backlog });

  const result = emptyResult();
  result.rows.push(...run.value);
  result.usage.push({
    scenario: 'priority under backlog',
    windowMs: run.windowMs,
    processes: run.processes,
  });
  result.notes.push(
    `Priority: ${backlog.toLocaleString('en-US')} routed standard tasks waiting on the standard ` +
      `lane when the poller starts; ${context.scale.probesPerSec} high-priority deletions and ` +
      `${context.scale.probesPerSec} standard access requests per second sent one by one through ` +
      `intake until ${PROBE_UNTIL_DRAINED * 100} % of the backlog drained; source answers at ` +
      `once; poller cap ${CONCURRENCY}. Latency = send to outcome read (read_committed) on the ` +
      'audit topic, so it includes ingest, router and both of their transactions.',
  );
  return result;
}

/** Runs one backlog with probes on its own topics; returns the latency rows. */
export async function runPriority(
  context: BenchContext,
  run: PriorityRun,
): Promise<Watched<ResultRow[]>> {
  const layout = await createBenchLayout(context, run.name);
  const watch = new AuditWatch(context, layout, { traced: (id) => id.includes('-probe-high-') });
  const probes = new ProbeSender(context, layout, run.name);

  try {
    await preloadLane(context, layout, 'standard', run.backlog, `${run.name}-backlog`);
    await Promise.all([watch.start(), probes.start()]);
    const pipeline = await startPipeline(context, {
      scenario: run.name,
      layout,
      stages: ['ingest', 'router'],
      concurrency: CONCURRENCY,
      sourceKnobs: { latency: 0 },
      routerSettings: run.routerSettings,
    });
    return await watchWhile(context, pipeline, async () => {
      const drainMs = await drainWithProbes(context, watch, probes, run.backlog);
      return [
        latencyRow(watch, probes, 'high'),
        {
          measure: 'high latency by hop, p50 / p99',
          value: stageBreakdown(highMoments(watch, probes)),
        },
        latencyRow(watch, probes, 'standard'),
        {
          measure: `standard backlog of ${run.backlog.toLocaleString('en-US')} drained in`,
          value: `${formatMs(drainMs)} (${formatRate((run.backlog * 1000) / drainMs)} tasks/s)`,
        },
      ];
    });
  } finally {
    await probes.close();
    await watch.close();
    await layout.remove();
  }
}

/** Probes while the backlog drains; returns how long the backlog took to drain. */
async function drainWithProbes(
  context: BenchContext,
  watch: AuditWatch,
  probes: ProbeSender,
  backlog: number,
): Promise<number> {
  const backlogDone = () => watch.outcomes.size - outcomesOfProbes(watch, probes);
  const started = Date.now();
  await probeWhileDraining(context, probes, () => backlogDone() < backlog * PROBE_UNTIL_DRAINED);
  await watch.waitForProgress(backlogDone, backlog, STALL_MS, 'backlog outcomes');
  const drainMs = Date.now() - started;
  await watch.waitForProgress(
    () => outcomesOfProbes(watch, probes),
    probes.sent.size,
    STALL_MS,
    'probe outcomes',
  );
  return drainMs;
}

async function probeWhileDraining(
  context: BenchContext,
  probes: ProbeSender,
  draining: () => boolean,
) {
  const intervalMs = 1000 / context.scale.probesPerSec;
  let next = Date.now();
  while (draining()) {
    await probes.sendPair();
    next += intervalMs;
    await delay(Math.max(0, next - Date.now()));
  }
}

function outcomesOfProbes(watch: AuditWatch, probes: ProbeSender): number {
  let count = 0;
  for (const id of probes.sent.keys()) if (watch.outcomes.has(id)) count += 1;
  return count;
}

/** Each high-priority probe's moments: sent, its audit stages, and when its outcome was read. */
function highMoments(watch: AuditWatch, probes: ProbeSender): TaskMoments[] {
  const all: TaskMoments[] = [];
  for (const probe of probes.sent.values()) {
    const outcome = watch.outcomes.get(probe.requestId);
    if (probe.kind !== 'high' || !outcome) continue;

    const moments = new Map(watch.stages.get(probe.requestId));
    moments.set('sent', probe.sentAt);
    moments.set('observed', outcome.observedAt);
    all.push(moments);
  }
  return all;
}

function latencyRow(watch: AuditWatch, probes: ProbeSender, kind: TaskKind): ResultRow {
  const latencies: number[] = [];
  for (const probe of probes.sent.values()) {
    const outcome = watch.outcomes.get(probe.requestId);
    if (probe.kind === kind && outcome) latencies.push(outcome.observedAt - probe.sentAt);
  }
  const s = summarize(latencies);
  const row: ResultRow = {
    measure: `${kind} latency during the backlog (${s.count} tasks)`,
    value: describeSpread(s),
  };
  return kind === 'high'
    ? { ...row, target: 'p99 < 1 s', met: s.count > 0 && s.p99Ms < 1_000 }
    : row;
}
