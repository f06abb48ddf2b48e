/** A rate with thousands separators and no decimals, e.g. `3,214`. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return 'n/a';
  return Math.round(perSec).toLocaleString('en-US');
}

/** Milliseconds as `12 ms` below ten seconds, else as `12.3 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Bytes in MiB with one decimal, e.g. `143.2 MiB`. */
export function formatMiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** A ratio with two decimals, or as a percentage with two significant digits when below 0.1. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= 0.1 ? ratio.toFixed(2) : `${(ratio * 100).toPrecision(2)} %`;
}

/** p50, p99 and max of a latency summary, e.g. `p50 35 ms, p99 217 ms, max 217 ms`. */
export function describeSpread(summary: { p50Ms: number; p99Ms: number; maxMs: number }): string {
  const { p50Ms, p99Ms, maxMs } = summary;
  return `p50 ${formatMs(p50Ms)}, p99 ${formatMs(p99Ms)}, max ${formatMs(maxMs)}`;
}
