import type { ErrorCode, RetryTier } from '@dsr/shared';
import type { Failure } from '../failure/classify-failure';
import { tierForAttempt } from './tier-selection';

/** Settings the retry decision depends on. */
export interface RetryPolicy {
  tiers: readonly RetryTier[];
  /**
   * A retry or deferral due later than the deadline less this margin is not scheduled: the task
   * goes to the dead-letter queue while there is still time for a person to act. Milliseconds.
   */
  deadlineMarginMs: number;
}

/** What happens to a task after a failed or refused attempt. */
export type FailureDecision =
  | { kind: 'retry'; tier: RetryTier; notBefore: number }
  | { kind: 'defer'; notBefore: number }
  | { kind: 'dead-letter'; reasonCode: ErrorCode };

/** The facts about the failed attempt. */
export interface FailedAttempt {
  failure: Failure;
  /** The number of the attempt that failed, 1-based; a breaker's refusal spends none. */
  attempt: number;
  /** The task's legal deadline, epoch milliseconds. */
  deadline: number;
  nowMs: number;
  /** How long a refused task waits before it is offered to the breaker again, milliseconds. */
  deferMs: number;
}

/**
 * Decides, from the failure alone, whether a task is retried on the next tier, deferred (a
 * breaker refused it, so no attempt was spent), or dead-lettered: at once when the failure is
 * not transient, after the last tier, or when the next try would land too close to the deadline.
 */
export function decideAfterFailure(policy: RetryPolicy, failed: FailedAttempt): FailureDecision {
  const { failure, nowMs } = failed;
  const latest = failed.deadline - policy.deadlineMarginMs;

  if (failure.category !== 'transient') return { kind: 'dead-letter', reasonCode: failure.code };

  if (failure.breakerRefusal) {
    const notBefore = nowMs + Math.max(failed.deferMs, failure.retryAfterMs ?? 0);
    if (notBefore > latest) return { kind: 'dead-letter', reasonCode: 'DEADLINE_EXCEEDED' };
    return { kind: 'defer', notBefore };
  }

  const tier = tierForAttempt(policy.tiers, failed.attempt);
  if (!tier) return { kind: 'dead-letter', reasonCode: 'RETRIES_EXHAUSTED' };

  const notBefore = nowMs + Math.max(tier.delayMs, failure.retryAfterMs ?? 0);
  if (notBefore > latest) return { kind: 'dead-letter', reasonCode: 'DEADLINE_EXCEEDED' };
  return { kind: 'retry', tier, notBefore };
}

/** When the next poll of an async job is due, or that polling must give up for the deadline. */
export function decideNextPoll(
  policy: RetryPolicy,
  deadline: number,
  nowMs: number,
  delayMs: number,
): { kind: 'poll'; notBefore: number } | { kind: 'dead-letter'; reasonCode: ErrorCode } {
  const notBefore = nowMs + delayMs;
  if (notBefore > deadline - policy.deadlineMarginMs) {
    return { kind: 'dead-letter', reasonCode: 'DEADLINE_EXCEEDED' };
  }
  return { kind: 'poll', notBefore };
}
