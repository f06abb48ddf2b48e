import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  normaliseEmail,
  subjectKey,
  subjectKeySecretFromEnv,
} from '../../../src/domain/subject-key';
import { ConfigError } from '../../../src/errors';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

describe('subjectKey', () => {
  it('is the HMAC-SHA256 hex of the normalised address under the secret', () => {
    const expected = createHmac('sha256', SECRET).update('someone@example.test').digest('hex');
    assert.equal(subjectKey('someone@example.test', SECRET), expected);
    assert.match(subjectKey('someone@example.test', SECRET), /^[0-9a-f]{64}$/);
  });

  it('when two addresses differ only in case, surrounding space or Unicode form, gives one key', () => {
    const key = subjectKey('josé@example.test', SECRET);
    assert.equal(subjectKey('  JOSÉ@Example.TEST ', SECRET), key);
    assert.equal(subjectKey('jose\u0301@example.test', SECRET), key);
  });

  it('when the secret differs, gives a different key', () => {
    assert.notEqual(
      subjectKey('a@example.test', SECRET),
      subjectKey('a@example.test', `${SECRET}x`),
    );
  });

  it('normaliseEmail trims, lower-cases and composes', () => {
    assert.equal(normaliseEmail(' A@B.Example\t'), 'a@b.example');
  });
});

describe('subjectKeySecretFromEnv', () => {
  it('when the secret is missing or shorter than 32 bytes, refuses to start', () => {
    for (const env of [{}, { DSR_SUBJECT_KEY_SECRET: 'short' }]) {
      assert.throws(
        () => subjectKeySecretFromEnv(env),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, /DSR_SUBJECT_KEY_SECRET must be set to at least 32 bytes/);
          return true;
        },
      );
    }
  });

  it('when the secret is long enough, returns it', () => {
    assert.equal(subjectKeySecretFromEnv({ DSR_SUBJECT_KEY_SECRET: SECRET }), SECRET);
  });
});
