import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DsrError, ERROR_CODES, categoryOf, isDsrError } from '../../src/errors';

describe('DsrError', () => {
  it('when built from a transient code, it is retriable and carries its category', () => {
    const error = new DsrError('SOURCE_UNAVAILABLE', 'crm answered 503', { context: { sourceSystem: 'crm' } });
    assert.equal(error.category, 'transient');
    assert.equal(error.retriable, true);
    assert.equal(error.name, 'DsrError');
    assert.deepEqual(error.context, { sourceSystem: 'crm' });
  });

  it('when built from a permanent or invalid-input code, it is not retriable', () => {
    assert.equal(new DsrError('SOURCE_FORBIDDEN', 'no').retriable, false);
    assert.equal(new DsrError('VALIDATION_FAILED', 'no').retriable, false);
  });

  it('keeps the cause and serialises without it or the stack', () => {
    const cause = new Error('socket hang up');
    const error = new DsrError('SOURCE_NETWORK', 'request failed', { cause });
    assert.equal(error.cause, cause);
    assert.deepEqual(Object.keys(error.toJSON()).sort(), ['category', 'code', 'context', 'message', 'name']);
  });

  it('a leaf class names itself and has the configuration category', () => {
    const error = new ConfigError('bad option');
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.category, 'configuration');
    assert.equal(isDsrError(error), true);
    assert.equal(isDsrError(new Error('x')), false);
  });

  it('every code maps to one of the five categories', () => {
    const categories = new Set(['transient', 'permanent', 'invalid_input', 'configuration', 'internal']);
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      assert.ok(categories.has(categoryOf(code)), code);
    }
  });
});
