import type { RetryTier, RoutedTask } from '@dsr/shared';
import type { ConnectorResult } from '../connectors/source-connector';
import type { Delivery } from '../consume/record-intake';
import { classifyFailure, type Failure } from '../failure/classify-failure';
import type { OutboundRecord } from '../outcome/outbound-record';
import type { OutcomeRecords } from '../outcome/outcome-records';
import type { ResultsDestination } from '../results/results-destination';
import { backoffDelayMs } from '../retry/backoff';
import { decideAfterFailure, decideNextPoll, type RetryPolicy } from '../retry/retry-decision';
import { tierForWait } from '../retry/tier-selection';
import type { SourceGuard } from './source-guard';

/** What one attempt needs besides the delivery. */
export interface AttemptContext {
  guard: SourceGuard;
  results: ResultsDestination;
  records: OutcomeRecords;
  policy: RetryPolicy;
  signal: AbortSignal;
  now: () => number;
  random?: () => number;
  /**
   * Called once the source has answered or failed, before an export is stored, so the caller can
   * free the source's concurrency slot: storing an export does not load the source.
   */
  onSourceSettled?: () => void;
}

/** How an attempt ended; `records` is what gets committed. */
export interface AttemptOutcome {
  kind:
    'succeeded' | 'job_submitted' | 'job_polled' | 'retry_scheduled' | 'deferred' | 'dead_lettered';
  records: OutboundRecord[];
  attempt: number;
  failure?: Failure;
  tier?: RetryTier;
}

/**
 * One call to a task's source system (a submit, a synchronous action, or a poll of a job) and
 * the records that say what came of it. Every failure is classified here and turned into a
 * retry, a deferral or a dead letter; only an abort (shutdown) escapes as an exception.
 *
 * A submit or synchronous action spends an attempt; a poll spends one only when it fails.
 */
export async function runAttempt(
  delivery: Delivery,
  context: AttemptContext,
): Promise<AttemptOutcome> {
  const { task } = delivery;
  const polling = task.poll !== null;
  const attempt = task.attempt + 1;
  const startedAt = context.now();

  let outcome: AttemptOutcome;
  try {
    const result = await context.guard
      .call(() =>
        polling
          ? context.guard.connector.poll(task, task.poll!.job_id, context.signal)
          : context.guard.connector.execute(task, context.signal),
      )
      .finally(() => context.onSourceSettled?.());
    outcome = await outcomeOf(delivery, context, result, polling ? task.attempt : attempt);
  } catch (error) {
    context.signal.throwIfAborted();
    outcome = failed(delivery, context, classifyFailure(error), attempt);
  }

  // A breaker's refusal never reached the source, so it was no attempt; a poll is part of the
  // attempt that submitted the job.
  if (polling || outcome.failure?.breakerRefusal) return outcome;
  const started = context.records.audit(task, 'attempt_started', delivery.position, startedAt, {
    attempt,
  });
  return { ...outcome, records: [started, ...outcome.records] };
}

async function outcomeOf(
  delivery: Delivery,
  context: AttemptContext,
  result: ConnectorResult,
  attempt: number,
): Promise<AttemptOutcome> {
  if (result.kind === 'submitted') return submitted(delivery, context, result.jobId, attempt);
  if (result.kind === 'running') return stillRunning(delivery, context);

  const { task } = delivery;
  const stored = result.exported
    ? await context.results.store(
        { requestId: task.request_id, sourceSystem: task.source_system },
        result.exported,
      )
    : undefined;
  const done: RoutedTask = { ...task, attempt, poll: null, not_before: null };
  const audit = context.records.audit(done, 'succeeded', delivery.position, context.now(), {
    attempt,
    detail: result.detail,
    resultDigest: stored?.digest,
    resultBytes: stored?.bytes,
  });
  return { kind: 'succeeded', records: [audit], attempt };
}

function submitted(
  delivery: Delivery,
  context: AttemptContext,
  jobId: string,
  attempt: number,
): AttemptOutcome {
  const nowMs = context.now();
  const delayMs = backoffDelayMs(context.guard.connector.pollBackoff!, 0, context.random);
  const poll = { job_id: jobId, submitted_at: nowMs, polls: 0, next_poll_at: nowMs + delayMs };
  const next: RoutedTask = { ...delivery.task, attempt, poll, not_before: poll.next_poll_at };
  const audit = context.records.audit(next, 'job_submitted', delivery.position, nowMs, {
    attempt,
    detail: `job_id=${jobId}`,
  });
  const scheduled = schedulePoll(delivery, context, next, delayMs);
  const kind = scheduled.kind === 'dead_lettered' ? 'dead_lettered' : 'job_submitted';
  return { ...scheduled, kind, records: [audit, ...scheduled.records] };
}

function stillRunning(delivery: Delivery, context: AttemptContext): AttemptOutcome {
  const nowMs = context.now();
  const previous = delivery.task.poll!;
  const polls = previous.polls + 1;
  const delayMs = backoffDelayMs(context.guard.connector.pollBackoff!, polls, context.random);
  const poll = { ...previous, polls, next_poll_at: nowMs + delayMs };
  const next: RoutedTask = { ...delivery.task, poll, not_before: poll.next_poll_at };
  const audit = context.records.audit(next, 'job_polled', delivery.position, nowMs, {
    detail: `job_id=${poll.job_id}`,
  });
  const scheduled = schedulePoll(delivery, context, next, delayMs);
  return { ...scheduled, records: [audit, ...scheduled.records] };
}

/** Puts a task with a running job on the tier that fits the poll delay, unless the deadline forbids. */
function schedulePoll(
  delivery: Delivery,
  context: AttemptContext,
  next: RoutedTask,
  delayMs: number,
): AttemptOutcome {
  const nowMs = context.now();
  const decision = decideNextPoll(context.policy, next.deadline, nowMs, delayMs);
  if (decision.kind === 'dead-letter') {
    const failure: Failure = {
      code: 'DEADLINE_EXCEEDED',
      category: 'permanent',
      breakerRefusal: false,
      retryAfterMs: undefined,
      message: `job ${next.poll!.job_id} did not finish before the deadline margin`,
    };
    return deadLetter(delivery, context, next, failure, 'DEADLINE_EXCEEDED');
  }

  const tier = tierForWait(context.policy.tiers, delayMs);
  return {
    kind: 'job_polled',
    records: [context.records.hop(next, tier.topic, delivery.original)],
    attempt: next.attempt,
    tier,
  };
}

function failed(
  delivery: Delivery,
  context: AttemptContext,
  failure: Failure,
  attempt: number,
): AttemptOutcome {
  const { task } = delivery;
  const nowMs = context.now();
  const spent = failure.breakerRefusal ? task.attempt : attempt;
  const decision = decideAfterFailure(context.policy, {
    failure,
    attempt: spent,
    deadline: task.deadline,
    nowMs,
    deferMs: context.guard.deferMs,
  });
  const base: RoutedTask = {
    ...task,
    attempt: spent,
    first_failure_at: task.first_failure_at ?? nowMs,
    last_error_code: failure.code,
    last_error_category: failure.category,
  };

  if (decision.kind === 'dead-letter')
    return deadLetter(delivery, context, base, failure, decision.reasonCode);
  if (decision.kind === 'retry') {
    const next = { ...base, not_before: decision.notBefore };
    const audit = context.records.audit(next, 'retry_scheduled', delivery.position, nowMs, {
      reasonCode: failure.code,
      detail: `tier=${decision.tier.name}`,
    });
    const hop = context.records.hop(next, decision.tier.topic, delivery.original);
    return {
      kind: 'retry_scheduled',
      records: [audit, hop],
      attempt: spent,
      failure,
      tier: decision.tier,
    };
  }

  const next = { ...base, deferrals: task.deferrals + 1, not_before: decision.notBefore };
  const tier = tierForWait(context.policy.tiers, decision.notBefore - nowMs);
  const audit = context.records.audit(next, 'deferred', delivery.position, nowMs, {
    reasonCode: failure.code,
  });
  const hop = context.records.hop(next, tier.topic, delivery.original);
  return { kind: 'deferred', records: [audit, hop], attempt: spent, failure, tier };
}

function deadLetter(
  delivery: Delivery,
  context: AttemptContext,
  task: RoutedTask,
  failure: Failure,
  reasonCode: string,
): AttemptOutcome {
  const nowMs = context.now();
  const final: RoutedTask = { ...task, not_before: null };
  const audit = context.records.audit(final, 'dead_lettered', delivery.position, nowMs, {
    reasonCode,
    detail: `error=${failure.code} breaker_refusal=${failure.breakerRefusal}`,
  });
  const record = context.records.deadLetter(
    final,
    failure,
    final.attempt,
    delivery.position,
    nowMs,
  );
  const alert = context.records.deadLetterAlert(
    final,
    failure,
    reasonCode,
    delivery.position,
    nowMs,
  );
  return {
    kind: 'dead_lettered',
    records: [audit, record, alert],
    attempt: final.attempt,
    failure,
  };
}
