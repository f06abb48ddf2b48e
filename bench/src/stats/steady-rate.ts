/**
 * Events per second over the middle of a run: between the moments the first `trim` and the last
 * `trim` share of events happened. Start-up (joining the group, warming the JIT) and the tail
 * (the last partition finishing alone) are not what a sustained rate is about.
 */
export function steadyRate(timesMs: readonly number[], trim = 0.1): number {
  if (timesMs.length < 10) return Number.NaN;

  const sorted = [...timesMs].sort((a, b) => a - b);
  const first = Math.floor(sorted.length * trim);
  const last = Math.ceil(sorted.length * (1 - trim)) - 1;
  const spanMs = sorted[last]! - sorted[first]!;
  return spanMs > 0 ? ((last - first) * 1000) / spanMs : Number.NaN;
}
