import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  topicLayout,
  type Alert,
  type AuditEvent,
  type DeadLetterRecord,
  type RoutedTask,
} from '@dsr/shared';
import type { ConnectorResult, SourceConnector } from '../../../src/connectors/source-connector';
import { PartitionTracker } from '../../../src/consume/partition-tracker';
import type { Delivery } from '../../../src/consume/record-intake';
import { runAttempt, type AttemptContext } from '../../../src/execute/attempt';
import { SourceGuard } from '../../../src/execute/source-guard';
import { SourceError } from '../../../src/failure/source-error';
import type { OutboundRecord } from '../../../src/outcome/outbound-record';
import { OutcomeRecords } from '../../../src/outcome/outcome-records';
import { RETRY_HEADERS } from '../../../src/outcome/retry-headers';
import { digestOf, type ResultsDestination } from '../../../src/results/results-destination';

const layout = topicLayout({ prefix: 'u.', retryDelaysMs: [1_000, 10_000, 60_000] });
const NOW = 1_000_000;
const DAY = 86_400_000;
const breaker = {
  timeoutMs: 1_000,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 30_000,
  volumeThreshold: 100,
  rollingCountTimeoutMs: 10_000,
  rollingCountBuckets: 10,
};
const guards: SourceGuard[] = [];
after(() => guards.forEach((guard) => guard.breaker.shutdown()));

/** A connector that answers every call with the given result or error. */
function connector(answer: ConnectorResult | Error): SourceConnector {
  const reply = () => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer));
  return {
    pollBackoff: { initialDelayMs: 2_000, maxDelayMs: 8_000, multiplier: 2, jitterRatio: 0 },
    execute: reply,
    poll: reply,
    close: () => Promise.resolve(),
  };
}

const stored = new Map<string, Buffer>();
const results: ResultsDestination = {
  open: () => Promise.resolve(),
  store: (key, content) => {
    stored.set(key.requestId, content);
    return Promise.resolve({ digest: digestOf(content), bytes: content.length });
  },
  close: () => Promise.resolve(),
};

function context(answer: ConnectorResult | Error, guard?: SourceGuard): AttemptContext {
  const used = guard ?? new SourceGuard('crm', connector(answer), breaker, undefined, NOW);
  guards.push(used);
  return {
    guard: used,
    results,
    records: new OutcomeRecords(layout),
    policy: { tiers: layout.retryTiers, deadlineMarginMs: 0 },
    signal: new AbortController().signal,
    now: () => NOW,
  };
}

function delivery(overrides: Partial<RoutedTask> = {}): Delivery {
  const task = {
    request_id: 'r-1',
    subject_email: 'ada@example.test',
    action: 'access',
    source_system: 'crm',
    subject_key: 'k',
    trace_id: 't',
    lane: 'high',
    deadline: NOW + DAY,
    attempt: 0,
    deferrals: 0,
    first_failure_at: null,
    last_error_code: null,
    last_error_category: null,
    origin: null,
    poll: null,
    not_before: null,
    changes: null,
    ...overrides,
  } as RoutedTask;
  const position = { topic: layout.topics.tasksHigh, partition: 2, offset: 41 };
  return {
    kind: 'run',
    task,
    lane: 'high',
    position,
    original: position,
    tracker: new PartitionTracker(0),
  };
}

const stagesOf = (records: OutboundRecord[]) =>
  records.map((r) => (r.topic === layout.topics.audit ? (r.value as AuditEvent).stage : r.topic));

describe('runAttempt', () => {
  it('when a submit fails transiently → the task goes to the first tier with its retry headers', async () => {
    const failure = new SourceError('SOURCE_UNAVAILABLE', 'source answered 503');
    const outcome = await runAttempt(delivery(), context(failure));

    assert.deepEqual(stagesOf(outcome.records), [
      'attempt_started',
      'retry_scheduled',
      'u.dsr.retry.1s',
    ]);
    const hop = outcome.records[2]!;
    const task = hop.value as RoutedTask;
    assert.deepEqual(
      [task.attempt, task.not_before, task.first_failure_at, task.last_error_category],
      [1, NOW + 1_000, NOW, 'transient'],
    );
    assert.equal(hop.headers?.[RETRY_HEADERS.attempt], '1');
    assert.equal(hop.headers?.[RETRY_HEADERS.originalTopic], layout.topics.tasksHigh);
    assert.equal(hop.headers?.[RETRY_HEADERS.originalOffset], '41');
    assert.equal(hop.key, 'r-1');
  });

  it('when the source refuses for good → the task is dead-lettered at once with one attempt', async () => {
    const failure = new SourceError('SOURCE_FORBIDDEN', 'source answered 403');
    const outcome = await runAttempt(delivery(), context(failure));

    assert.deepEqual(stagesOf(outcome.records), [
      'attempt_started',
      'dead_lettered',
      'u.dsr.dlq',
      'u.dsr.alerts',
    ]);
    const letter = outcome.records[2]!.value as DeadLetterRecord;
    assert.deepEqual(
      [letter.error_code, letter.error_category, letter.attempts, letter.breaker_refusal],
      ['SOURCE_FORBIDDEN', 'permanent', 1, false],
    );
    const alert = outcome.records[3]!.value as Alert;
    assert.deepEqual(
      [alert.kind, alert.severity, alert.reason_code, alert.request_id],
      ['dead_letter', 'warning', 'SOURCE_FORBIDDEN', 'r-1'],
    );
  });

  it('when the last tier was used → the task is dead-lettered as retries exhausted', async () => {
    const failure = new SourceError('SOURCE_TIMEOUT', 'timed out');
    const outcome = await runAttempt(delivery({ attempt: 3 }), context(failure));

    const audit = outcome.records[1]!.value as AuditEvent;
    assert.deepEqual([audit.stage, audit.reason_code], ['dead_lettered', 'RETRIES_EXHAUSTED']);
    assert.equal((outcome.records[2]!.value as DeadLetterRecord).attempts, 4);
  });

  it('when an async job is accepted → its poll state travels with the task on a tier', async () => {
    const outcome = await runAttempt(delivery(), context({ kind: 'submitted', jobId: 'job-7' }));

    assert.deepEqual(stagesOf(outcome.records), [
      'attempt_started',
      'job_submitted',
      'u.dsr.retry.1s',
    ]);
    const task = outcome.records[2]!.value as RoutedTask;
    assert.deepEqual(task.poll, {
      job_id: 'job-7',
      submitted_at: NOW,
      polls: 0,
      next_poll_at: NOW + 2_000,
    });
    assert.deepEqual([task.attempt, task.not_before], [1, NOW + 2_000]);
  });

  it('when a polled job is still running → polls grow, no attempt is spent, the wait backs off', async () => {
    const poll = { job_id: 'job-7', submitted_at: NOW - 5_000, polls: 1, next_poll_at: NOW };
    const outcome = await runAttempt(delivery({ attempt: 1, poll }), context({ kind: 'running' }));

    assert.deepEqual(stagesOf(outcome.records), ['job_polled', 'u.dsr.retry.1s']);
    const task = outcome.records[1]!.value as RoutedTask;
    assert.deepEqual(
      [task.attempt, task.poll?.polls, task.poll?.next_poll_at],
      [1, 2, NOW + 8_000],
    );
  });

  it('when a polled job is done → the export is stored and the success carries its digest', async () => {
    const exported = Buffer.from('{"records":[]}');
    const poll = { job_id: 'job-7', submitted_at: NOW - 5_000, polls: 3, next_poll_at: NOW };
    const outcome = await runAttempt(
      delivery({ attempt: 1, poll }),
      context({ kind: 'completed', exported }),
    );

    const success = outcome.records[0]!.value as AuditEvent;
    assert.deepEqual([success.stage, success.attempt], ['succeeded', 1]);
    assert.equal(success.result_digest, digestOf(exported));
    assert.equal(success.result_bytes, exported.length);
    assert.deepEqual(stored.get('r-1'), exported);
  });

  it('when the breaker is open → the task is deferred without spending an attempt', async () => {
    const guard = new SourceGuard('crm', connector({ kind: 'completed' }), breaker, undefined, NOW);
    guard.breaker.open();
    const outcome = await runAttempt(
      delivery({ attempt: 2 }),
      context({ kind: 'completed' }, guard),
    );

    assert.deepEqual(stagesOf(outcome.records), ['deferred', 'u.dsr.retry.10s']);
    const task = outcome.records[1]!.value as RoutedTask;
    assert.deepEqual([task.attempt, task.deferrals, task.not_before], [2, 1, NOW + 30_000]);
    assert.equal(outcome.failure?.breakerRefusal, true);
  });

  it('when the breaker refuses and no deferral fits before the deadline → the refusal is dead-lettered', async () => {
    const guard = new SourceGuard('crm', connector({ kind: 'completed' }), breaker, undefined, NOW);
    guard.breaker.open();
    const outcome = await runAttempt(
      delivery({ deadline: NOW + 10_000 }),
      context({ kind: 'completed' }, guard),
    );

    assert.deepEqual(stagesOf(outcome.records), ['dead_lettered', 'u.dsr.dlq', 'u.dsr.alerts']);
    const letter = outcome.records[1]!.value as DeadLetterRecord;
    assert.deepEqual(
      [letter.error_code, letter.breaker_refusal, letter.attempts],
      ['BREAKER_OPEN', true, 0],
    );
    const alert = outcome.records[2]!.value as Alert;
    assert.deepEqual([alert.severity, alert.reason_code], ['critical', 'BREAKER_OPEN']);
  });
});
