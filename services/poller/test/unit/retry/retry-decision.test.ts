import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicLayout } from '@dsr/shared';
import type { Failure } from '../../../src/failure/classify-failure';
import {
  decideAfterFailure,
  decideNextPoll,
  type FailedAttempt,
} from '../../../src/retry/retry-decision';
import { tierForAttempt, tierForWait } from '../../../src/retry/tier-selection';

const tiers = topicLayout({ retryDelaysMs: [10_000, 60_000, 600_000] }).retryTiers;
const policy = { tiers, deadlineMarginMs: 60_000 };
const HOUR = 3_600_000;

const transient: Failure = {
  code: 'SOURCE_UNAVAILABLE',
  category: 'transient',
  breakerRefusal: false,
  retryAfterMs: undefined,
  message: 'source answered 503',
};

function failed(overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  return {
    failure: transient,
    attempt: 1,
    deadline: 10 * HOUR,
    nowMs: 0,
    deferMs: 30_000,
    ...overrides,
  };
}

describe('decideAfterFailure', () => {
  it('when attempt n fails transiently → the task goes to tier n with its due time', () => {
    const decisions = [1, 2, 3].map((attempt) => decideAfterFailure(policy, failed({ attempt })));
    assert.deepEqual(
      decisions.map((d) => (d.kind === 'retry' ? [d.tier.name, d.notBefore] : d.kind)),
      [
        ['10s', 10_000],
        ['1m', 60_000],
        ['10m', 600_000],
      ],
    );
  });

  it('when the last tier was used → the task is dead-lettered as retries exhausted', () => {
    assert.deepEqual(decideAfterFailure(policy, failed({ attempt: 4 })), {
      kind: 'dead-letter',
      reasonCode: 'RETRIES_EXHAUSTED',
    });
  });

  it('when the retry would be due after the deadline less the margin → it is dead-lettered', () => {
    const decision = decideAfterFailure(policy, failed({ attempt: 3, deadline: 600_000 + 59_999 }));
    assert.deepEqual(decision, { kind: 'dead-letter', reasonCode: 'DEADLINE_EXCEEDED' });
  });

  it('when the failure is permanent → it is dead-lettered at once with its own code', () => {
    const failure: Failure = { ...transient, code: 'SOURCE_FORBIDDEN', category: 'permanent' };
    assert.deepEqual(decideAfterFailure(policy, failed({ failure })), {
      kind: 'dead-letter',
      reasonCode: 'SOURCE_FORBIDDEN',
    });
  });

  it('when a defect (internal) fails the attempt → it is never retried', () => {
    const failure: Failure = { ...transient, code: 'INTERNAL', category: 'internal' };
    assert.equal(decideAfterFailure(policy, failed({ failure })).kind, 'dead-letter');
  });

  it('when the source asks to wait longer than the tier → the due time honours Retry-After', () => {
    const failure: Failure = { ...transient, code: 'SOURCE_RATE_LIMITED', retryAfterMs: 45_000 };
    const decision = decideAfterFailure(policy, failed({ failure, nowMs: 1_000 }));
    assert.deepEqual(decision.kind === 'retry' && [decision.tier.name, decision.notBefore], [
      '10s',
      46_000,
    ]);
  });

  it('when a breaker refused the call → the task is deferred, whatever attempts were spent', () => {
    const failure: Failure = { ...transient, code: 'BREAKER_OPEN', breakerRefusal: true };
    const decision = decideAfterFailure(policy, failed({ failure, attempt: 99, nowMs: 5 }));
    assert.deepEqual(decision, { kind: 'defer', notBefore: 30_005 });
  });

  it('when a deferral would pass the deadline less the margin → it is dead-lettered', () => {
    const failure: Failure = { ...transient, code: 'BREAKER_OPEN', breakerRefusal: true };
    const decision = decideAfterFailure(policy, failed({ failure, deadline: 80_000 }));
    assert.deepEqual(decision, { kind: 'dead-letter', reasonCode: 'DEADLINE_EXCEEDED' });
  });
});

describe('decideNextPoll', () => {
  it('when the next poll is due well before the deadline → it is scheduled', () => {
    assert.deepEqual(decideNextPoll(policy, HOUR, 1_000, 5_000), {
      kind: 'poll',
      notBefore: 6_000,
    });
  });

  it('when the next poll would be due inside the deadline margin → polling gives up', () => {
    assert.deepEqual(decideNextPoll(policy, 100_000, 39_000, 2_000), {
      kind: 'dead-letter',
      reasonCode: 'DEADLINE_EXCEEDED',
    });
  });
});

describe('tier selection', () => {
  it('when a wait is given → the longest tier not longer than it is chosen', () => {
    assert.equal(tierForWait(tiers, 500).name, '10s');
    assert.equal(tierForWait(tiers, 59_999).name, '10s');
    assert.equal(tierForWait(tiers, 60_000).name, '1m');
    assert.equal(tierForWait(tiers, 5 * HOUR).name, '10m');
  });

  it('when an attempt number is given → it maps to its tier or to none past the last', () => {
    assert.equal(tierForAttempt(tiers, 1)?.name, '10s');
    assert.equal(tierForAttempt(tiers, 4), undefined);
  });
});
