import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsrError } from '@dsr/shared';
import { classifyFailure } from '../../../src/failure/classify-failure';
import { codeForHttpStatus, parseRetryAfterMs } from '../../../src/failure/http-status';
import { SourceError } from '../../../src/failure/source-error';

const withCode = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`failed with ${code}`), { code, ...extra });

describe('classifyFailure', () => {
  it('when the network fails → ECONNRESET, ECONNREFUSED and EAI_AGAIN are transient', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
      assert.deepEqual(
        [classifyFailure(withCode(code)).code, classifyFailure(withCode(code)).category],
        ['SOURCE_NETWORK', 'transient'],
        code,
      );
    }
  });

  it('when a call times out → it is a transient timeout', () => {
    for (const code of ['ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT']) {
      assert.equal(classifyFailure(withCode(code)).code, 'SOURCE_TIMEOUT');
    }
    assert.equal(classifyFailure(new DOMException('late', 'TimeoutError')).code, 'SOURCE_TIMEOUT');
  });

  it('when the network error is wrapped as the cause → it is still recognised', () => {
    const wrapped = new Error('fetch failed', { cause: withCode('ECONNREFUSED') });
    assert.equal(classifyFailure(wrapped).code, 'SOURCE_NETWORK');
  });

  it('when a breaker refuses → it is transient and marked as a refusal', () => {
    const failure = classifyFailure(withCode('EOPENBREAKER'));
    assert.deepEqual(
      [failure.code, failure.category, failure.breakerRefusal],
      ['BREAKER_OPEN', 'transient', true],
    );
  });

  it('when a source error carries Retry-After → the wait is kept', () => {
    const error = new SourceError('SOURCE_RATE_LIMITED', 'source answered 429', {
      retryAfterMs: 2_000,
    });
    const failure = classifyFailure(error);
    assert.deepEqual(
      [failure.category, failure.retryAfterMs, failure.breakerRefusal],
      ['transient', 2_000, false],
    );
  });

  it('when our own error is permanent → its code and category are kept', () => {
    const failure = classifyFailure(new DsrError('SOURCE_TOKEN_REVOKED', 'token revoked'));
    assert.deepEqual([failure.code, failure.category], ['SOURCE_TOKEN_REVOKED', 'permanent']);
  });

  it('when PostgreSQL reports a deadlock or a lost connection → it is transient', () => {
    assert.equal(classifyFailure(withCode('40P01', { severity: 'ERROR' })).category, 'transient');
    assert.equal(classifyFailure(withCode('08006', { severity: 'FATAL' })).category, 'transient');
    assert.equal(classifyFailure(withCode('57014', { severity: 'ERROR' })).code, 'SOURCE_TIMEOUT');
  });

  it('when PostgreSQL refuses the statement → it is permanent', () => {
    assert.equal(classifyFailure(withCode('42P01', { severity: 'ERROR' })).code, 'SOURCE_REJECTED');
    assert.equal(
      classifyFailure(withCode('28P01', { severity: 'FATAL' })).code,
      'SOURCE_UNAUTHORIZED',
    );
    assert.equal(
      classifyFailure(withCode('42501', { severity: 'ERROR' })).code,
      'SOURCE_FORBIDDEN',
    );
  });

  it('when the error is unknown → it is transient, within the same attempt cap', () => {
    const failure = classifyFailure(new TypeError('something odd'));
    assert.deepEqual([failure.code, failure.category], ['SOURCE_UNKNOWN_FAILURE', 'transient']);
    assert.equal(classifyFailure('a string').category, 'transient');
  });
});

describe('codeForHttpStatus', () => {
  const reading = { notFoundIsPermanent: false };

  it('when the status is a client error → 400, 401, 403, 422 are permanent codes', () => {
    const codes = [400, 401, 403, 422].map((s) => codeForHttpStatus(s, reading));
    assert.deepEqual(codes, [
      'SOURCE_REJECTED',
      'SOURCE_UNAUTHORIZED',
      'SOURCE_FORBIDDEN',
      'SOURCE_REJECTED',
    ]);
  });

  it('when the status is 429 or 5xx → the codes are transient', () => {
    const codes = [429, 500, 502, 503, 504].map((s) => codeForHttpStatus(s, reading));
    assert.deepEqual(codes, [
      'SOURCE_RATE_LIMITED',
      'SOURCE_UNAVAILABLE',
      'SOURCE_UNAVAILABLE',
      'SOURCE_UNAVAILABLE',
      'SOURCE_TIMEOUT',
    ]);
  });

  it('when the status is 404 → the connector decides whether it is permanent', () => {
    assert.equal(codeForHttpStatus(404, reading), 'SOURCE_UNKNOWN_FAILURE');
    assert.equal(codeForHttpStatus(404, { notFoundIsPermanent: true }), 'SOURCE_NOT_FOUND');
  });
});

describe('parseRetryAfterMs', () => {
  it('when given seconds or an HTTP date → it returns milliseconds from now', () => {
    assert.equal(parseRetryAfterMs('3', 0), 3_000);
    assert.equal(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000), 6_000);
  });

  it('when absent or unreadable → it returns undefined', () => {
    assert.equal(parseRetryAfterMs(undefined, 0), undefined);
    assert.equal(parseRetryAfterMs('soon', 0), undefined);
  });
});
