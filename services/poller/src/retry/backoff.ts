/** Exponential backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first repetition, in milliseconds. */
  initialDelayMs: number;
  /** Largest delay, in milliseconds, however many repetitions came before. */
  maxDelayMs: number;
  /** Factor between consecutive delays. */
  multiplier: number;
  /**
   * Share of the delay that is randomised, 0..1: the delay is drawn uniformly from
   * [delay × (1 − jitterRatio), delay]. Spreads the polls of jobs submitted together.
   */
  jitterRatio: number;
}

/**
 * The delay before repetition number `step` (0 for the first), capped and jittered.
 * `random` returns a number in [0, 1) and is injectable so the result can be checked exactly.
 */
export function backoffDelayMs(
  options: BackoffOptions,
  step: number,
  random: () => number = Math.random,
): number {
  const exponential = options.initialDelayMs * options.multiplier ** Math.max(0, step);
  const capped = Math.min(options.maxDelayMs, exponential);
  const jitter = capped * options.jitterRatio * random();
  return Math.max(1, Math.round(capped - jitter));
}
