/** The summary of a set of durations, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The value at quantile `q` (0..1] by the nearest-rank method: the smallest sample that at least
 * `q` of all samples do not exceed. Nearest rank never invents a value between two samples, so
 * a reported p99 is a latency some task really had.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return sorted[0]!;

  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** p50, p99 and max of the samples; NaN everywhere when there are none. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
