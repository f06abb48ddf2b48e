import { setTimeout as delay } from 'node:timers/promises';
import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { createBenchLayout } from '../kafka/bench-layout';
import { preloadLane } from '../load/preload';
import type { ProcessUsage } from '../proc/process-watch';
import { formatMiB } from '../report/format';
import { emptyResult, type ScenarioResult } from '../report/scenario-result';
import { startPipeline } from '../services/pipeline';
import { watchWhile, type Watched } from '../services/watched-run';

/** The source answers this slowly, so the backlog stays put while memory is watched. */
const SLOW_SOURCE_MS = 1_000;

/** The poller's memory ceiling on a 2-core machine: 300 MB (286 MiB). */
const RSS_TARGET_BYTES = 300_000_000;

/**
 * The poller's memory while a backlog waits: it must hold a bounded window of the backlog, not
 * the backlog. Measured twice with the same settings, behind a small backlog and behind the big
 * one; the two peaks should be alike, and the big one below the target.
 */
export async function measureMemory(
  context: BenchContext,
  _findings: BenchFindings,
): Promise<ScenarioResult> {
  const big = context.scale.memoryBacklogTasks;
  const small = Math.max(1_000, Math.floor(big / 100));
  const smallRun = await pollerBehindBacklog(context, small, 'memory-small');
  const bigRun = await pollerBehindBacklog(context, big, 'memory');

  const poller = (run: Watched<void>) => run.processes.find((p) => p.name === 'poller')!;
  const peak = poller(bigRun).peakRssBytes;
  const smallPeak = poller(smallRun).peakRssBytes;
  const smallText = small.toLocaleString('en-US');
  const result = emptyResult();
  result.rows.push({
    measure: `poller peak RSS, ${big.toLocaleString('en-US')}-task backlog waiting`,
    value: `${formatMiB(peak)} (behind ${smallText} tasks: ${formatMiB(smallPeak)})`,
    target: '< 300 MB (286 MiB)',
    met: peak < RSS_TARGET_BYTES,
  });
  result.usage.push(
    usageOf(`poller memory, ${small} backlog`, smallRun),
    usageOf(`poller memory, ${big} backlog`, bigRun),
  );
  result.notes.push(
    `Poller memory: ${big.toLocaleString('en-US')} routed tasks written to the standard lane before ` +
      `the poller starts; the source answers after ${SLOW_SOURCE_MS} ms so the backlog waits; RSS ` +
      `sampled every 500 ms for ${context.scale.memoryWatchMs / 1000} s. The same run behind ` +
      `${small.toLocaleString('en-US')} tasks shows what a bounded poller holds regardless of backlog.`,
  );
  return result;
}

function usageOf(
  scenario: string,
  run: Watched<void>,
): { scenario: string; windowMs: number; processes: ProcessUsage[] } {
  return { scenario, windowMs: run.windowMs, processes: run.processes };
}

async function pollerBehindBacklog(
  context: BenchContext,
  backlog: number,
  name: string,
): Promise<Watched<void>> {
  const layout = await createBenchLayout(context, name);
  try {
    await preloadLane(context, layout, 'standard', backlog, name);
    const pipeline = await startPipeline(context, {
      scenario: name,
      layout,
      stages: [],
      concurrency: context.scale.efficiencyCap,
      sourceKnobs: { latency: SLOW_SOURCE_MS },
    });
    context.progress(`${name}: watching the poller for ${context.scale.memoryWatchMs / 1000} s`);
    return await watchWhile(context, pipeline, () => delay(context.scale.memoryWatchMs));
  } finally {
    await layout.remove();
  }
}
