import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsrError } from '@dsr/shared';
import { EXIT_CODES, exitCodeFor, isConnectionFailure } from '../../src/exit-codes';

describe('exit codes', () => {
  it('follow from the error code first, then its category', () => {
    const cases: [DsrError, number][] = [
      [new DsrError('NOT_FOUND', 'x'), EXIT_CODES.notFound],
      [new DsrError('RECORD_CHAIN_BROKEN', 'x'), EXIT_CODES.verificationFailed],
      [new DsrError('FORBIDDEN', 'x'), EXIT_CODES.refused],
      [new DsrError('PRIVACY_BUDGET_EXHAUSTED', 'x'), EXIT_CODES.refused],
      [new DsrError('WAIT_TIMED_OUT', 'x'), EXIT_CODES.timedOut],
      [new DsrError('VALIDATION_FAILED', 'x'), EXIT_CODES.invalidInput],
      [new DsrError('STACK_UNAVAILABLE', 'x'), EXIT_CODES.unavailable],
      [new DsrError('AUDITOR_UNREACHABLE', 'x'), EXIT_CODES.unavailable],
      [new DsrError('INTERNAL', 'x'), EXIT_CODES.failure],
    ];

    for (const [error, code] of cases) assert.equal(exitCodeFor(error), code, error.code);
  });

  it('treats a refused socket anywhere in the cause chain as unavailable', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('request failed', {
      cause: new Error('fetch failed', { cause: socket }),
    });

    assert.equal(isConnectionFailure(wrapped), true);
    assert.equal(exitCodeFor(wrapped), EXIT_CODES.unavailable);
    assert.equal(exitCodeFor(new Error('something else')), EXIT_CODES.failure);
  });

  it("recognises kafkajs's connection errors by name", () => {
    const error = new Error('Connection error');
    error.name = 'KafkaJSNumberOfRetriesExceeded';

    assert.equal(exitCodeFor(error), EXIT_CODES.unavailable);
  });
});
