import type { RetryTier } from '@dsr/shared';

/**
 * The tier a record waiting `waitMs` should be put on: the longest tier not longer than the
 * wait, or the shortest tier for a wait below every tier. A tier holds each record at most its
 * own delay after it was appended, so a longer wait hops through tiers; choosing a tier no
 * longer than the wait keeps any record from being held past its due time by the records in
 * front of it.
 */
export function tierForWait(tiers: readonly RetryTier[], waitMs: number): RetryTier {
  let chosen = tiers[0];
  if (!chosen) throw new Error('a topic layout always has at least one retry tier');

  for (const tier of tiers) if (tier.delayMs <= waitMs) chosen = tier;
  return chosen;
}

/** The tier the retry after failed attempt number `attempt` (1-based) goes to, if any is left. */
export function tierForAttempt(
  tiers: readonly RetryTier[],
  attempt: number,
): RetryTier | undefined {
  return tiers[attempt - 1];
}
