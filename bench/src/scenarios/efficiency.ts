import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { createBenchLayout } from '../kafka/bench-layout';
import { preloadLane } from '../load/preload';
import { AuditWatch } from '../observe/audit-watch';
import { formatRate, formatRatio } from '../report/format';
import { emptyResult, type ScenarioResult } from '../report/scenario-result';
import { startPipeline } from '../services/pipeline';
import { readSourceCounters } from '../services/simulator-counters';
import { STALL_MS, watchWhile } from '../services/watched-run';
import { steadyRate } from '../stats/steady-rate';

/**
 * Concurrency efficiency: with every call taking L at the source and at most C calls in flight,
 * no poller can finish more than C / L tasks per second. A backlog on the standard lane keeps
 * every slot wanted; the achieved rate over the steady middle of the run is divided by C / L.
 */
export async function measureEfficiency(
  context: BenchContext,
  _findings: BenchFindings,
): Promise<ScenarioResult> {
  const {
    efficiencyTasks: count,
    efficiencyLatencyMs: latencyMs,
    efficiencyCap: cap,
  } = context.scale;
  const layout = await createBenchLayout(context, 'efficiency');
  const watch = new AuditWatch(context, layout, { attempts: true });

  try {
    await preloadLane(context, layout, 'standard', count, 'eff');
    await watch.start();
    const pipeline = await startPipeline(context, {
      scenario: 'efficiency',
      layout,
      stages: [],
      concurrency: cap,
      sourceKnobs: { latency: latencyMs },
    });
    context.progress(`efficiency: ${count} tasks, L = ${latencyMs} ms, C = ${cap}`);
    const {
      value: counters,
      processes,
      windowMs,
    } = await watchWhile(context, pipeline, async () => {
      await watch.waitForProgress(
        () => watch.outcomes.size,
        count,
        STALL_MS,
        'efficiency outcomes',
      );
      return readSourceCounters(pipeline.simulatorUrl);
    });

    const times = [...watch.outcomes.values()].map((o) => o.occurredAt);
    const achieved = steadyRate(times);
    const bound = (cap * 1000) / latencyMs;
    const efficiency = achieved / bound;
    const callMs = meanCallMs(watch);
    const result = emptyResult();
    result.rows.push({
      measure: `concurrency efficiency (L = ${latencyMs} ms, C = ${cap})`,
      value: `${formatRatio(efficiency)} (${formatRate(achieved)} of ${formatRate(bound)} tasks/s)`,
      target: '>= 0.9',
      met: efficiency >= 0.9,
    });
    result.usage.push({ scenario: 'concurrency efficiency', windowMs, processes });
    result.notes.push(
      `Concurrency efficiency: ${count.toLocaleString('en-US')} routed tasks waiting on the ` +
        `standard lane; the simulator answers each call after exactly ${latencyMs} ms; the poller ` +
        `may run ${cap} calls at once. Achieved rate is over the middle 80 % of outcomes ` +
        `(ramp-up and tail excluded). The simulator saw at most ${counters.peakInFlight} calls ` +
        `in flight at once. An attempt took ${callMs.toFixed(1)} ms on average from its start ` +
        `to its outcome (the call, then storing the export), so ` +
        `${((achieved * callMs) / 1000).toFixed(1)} attempts were under way on average ` +
        `(rate × time, Little's law): fewer than ${cap} means the poller left slots idle; ` +
        'attempts far longer than L mean slow calls or a machine short of CPU.',
    );
    return result;
  } finally {
    await watch.close();
    await layout.remove();
  }
}

/** Mean time from an attempt's start to its outcome, over every task with both recorded. */
function meanCallMs(watch: AuditWatch): number {
  let total = 0;
  let count = 0;
  for (const outcome of watch.outcomes.values()) {
    const started = watch.attemptStarts.get(`${outcome.requestId}#${outcome.attempt}`);
    if (started === undefined) continue;
    total += outcome.occurredAt - started;
    count += 1;
  }
  return count === 0 ? Number.NaN : total / count;
}
