import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { createBenchLayout } from '../kafka/bench-layout';
import { paceLane, requestIdOf } from '../load/preload';
import { AuditWatch } from '../observe/audit-watch';
import { describeSpread } from '../report/format';
import { emptyResult, type ResultRow, type ScenarioResult } from '../report/scenario-result';
import { startPipeline } from '../services/pipeline';
import { STALL_MS, watchWhile } from '../services/watched-run';
import { summarize } from '../stats/percentiles';

/** Tasks enter at this pace, so retries come due spread over time, as in steady operation. */
const TASKS_PER_SEC = 30;

/**
 * Retry timing: every task fails transiently 1, 2 or 3 times (forced at the simulator by request
 * id) before it succeeds, so each tier carries retries. A retry's lateness is the start of its
 * next attempt (audit `attempt_started`) minus its due time (`not_before` on the tier record).
 */
export async function measureRetry(
  context: BenchContext,
  _findings: BenchFindings,
): Promise<ScenarioResult> {
  const { retryTasks: count, retryDelaysMs } = context.scale;
  const layout = await createBenchLayout(context, 'retry', { retryDelaysMs });
  const watch = new AuditWatch(context, layout, { retries: true, attempts: true });
  const ids = Array.from({ length: count }, (_, index) => requestIdOf(context, 'retry', index));
  const forced = Object.fromEntries(
    ids.map((id, index) => [id, { fault: 'server-error', times: 1 + (index % 3) }]),
  );

  try {
    await watch.start();
    const pipeline = await startPipeline(context, {
      scenario: 'retry',
      layout,
      stages: [],
      concurrency: context.scale.efficiencyCap,
      sourceKnobs: { forced },
      breakerOff: true,
    });
    context.progress(
      `retry: ${count} tasks at ${TASKS_PER_SEC}/s, tiers ${retryDelaysMs.join(', ')} ms`,
    );
    const maxDelayMs = Math.max(...retryDelaysMs);
    const { processes, windowMs } = await watchWhile(context, pipeline, async () => {
      await paceLane(context, layout, ids, TASKS_PER_SEC);
      await watch.waitForProgress(
        () => watch.outcomes.size,
        count,
        STALL_MS + maxDelayMs,
        'retry outcomes',
      );
    });

    const result = emptyResult();
    result.rows.push(
      ...latenessRows(
        watch,
        layout.layout.retryTiers.map((tier) => tier.name),
      ),
    );
    result.usage.push({ scenario: 'retry timing', windowMs, processes });
    result.notes.push(
      `Retry timing: ${count} tasks at ${TASKS_PER_SEC}/s onto the standard lane; each fails with ` +
        `a 500 once, twice or three times, then succeeds; tiers of ${retryDelaysMs.join(', ')} ms; ` +
        "breaker kept closed. Lateness = start of the next attempt minus the retry's not_before.",
    );
    return result;
  } finally {
    await watch.close();
    await layout.remove();
  }
}

function latenessRows(watch: AuditWatch, tiers: readonly string[]): ResultRow[] {
  const byTier = new Map<string, number[]>(tiers.map((tier) => [tier, []]));
  for (const [key, retry] of watch.retries) {
    const [requestId, spent] = splitKey(key);
    const started = watch.attemptStarts.get(`${requestId}#${spent + 1}`);
    if (started !== undefined) byTier.get(retry.tier)?.push(started - retry.notBefore);
  }

  return tiers.map((tier) => {
    const summary = summarize(byTier.get(tier)!);
    return {
      measure: `retry lateness, tier ${tier} (${summary.count} retries)`,
      value: describeSpread(summary),
      target: 'p99 < 1 s',
      met: summary.count > 0 && summary.p99Ms < 1_000,
    };
  });
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('#');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
