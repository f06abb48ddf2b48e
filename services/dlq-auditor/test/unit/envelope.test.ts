import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DsrError } from '@dsr/shared';
import { openEnvelope, sealEnvelope } from '../../src/crypto/envelope';
import { parseKeyring } from '../../src/crypto/keyring';

const key = () => randomBytes(32).toString('base64');

describe('envelope encryption', () => {
  const keyring = parseKeyring(`k1:${key()}`);
  const plaintext = Buffer.from('{"subject_email":"ada@example.test"}');

  it('opens what it sealed, with the same context', () => {
    const envelope = sealEnvelope(plaintext, 'dlq/0/7', keyring);

    const opened = openEnvelope(envelope, 'dlq/0/7', keyring);

    assert.deepEqual(opened, plaintext);
    assert.equal(envelope.masterKeyId, 'k1');
    assert.equal(envelope.sealed.includes(Buffer.from('ada@example.test')), false);
  });

  it('gives each record its own data key and nonce', () => {
    const a = sealEnvelope(plaintext, 'c', keyring);
    const b = sealEnvelope(plaintext, 'c', keyring);

    assert.notEqual(a.dataKeyId, b.dataKeyId);
    assert.notDeepEqual(a.wrappedKey, b.wrappedKey);
    assert.notDeepEqual(a.sealed, b.sealed);
  });

  it('refuses sealed bytes moved to another context', () => {
    const envelope = sealEnvelope(plaintext, 'dlq/0/7', keyring);

    assert.throws(
      () => openEnvelope(envelope, 'dlq/0/8', keyring),
      (error: unknown) => error instanceof DsrError && error.code === 'RECORD_CHAIN_BROKEN',
    );
  });

  it('refuses a flipped ciphertext bit', () => {
    const envelope = sealEnvelope(plaintext, 'c', keyring);
    envelope.sealed[0]! ^= 1;

    assert.throws(() => openEnvelope(envelope, 'c', keyring), { code: 'RECORD_CHAIN_BROKEN' });
  });

  it('when the data key was shredded, it reports RECORD_SHREDDED', () => {
    const envelope = sealEnvelope(plaintext, 'c', keyring);

    assert.throws(() => openEnvelope({ ...envelope, wrappedKey: null }, 'c', keyring), {
      code: 'RECORD_SHREDDED',
      category: 'permanent',
    });
  });

  describe('rotation', () => {
    const k1 = key();
    const before = parseKeyring(`k1:${k1}`);
    const after = parseKeyring(`k1:${k1},k2:${key()}`);

    it('seals new records under the newest key and still opens the old ones', () => {
      const old = sealEnvelope(plaintext, 'c', before);
      const fresh = sealEnvelope(plaintext, 'c', after);

      assert.equal(fresh.masterKeyId, 'k2');
      assert.deepEqual(openEnvelope(old, 'c', after), plaintext);
      assert.deepEqual(openEnvelope(fresh, 'c', after), plaintext);
    });

    it('when the old master key is retired, its records report KEY_NOT_FOUND', () => {
      const old = sealEnvelope(plaintext, 'c', before);
      const retired = parseKeyring(`k2:${key()}`);

      assert.throws(() => openEnvelope(old, 'c', retired), { code: 'KEY_NOT_FOUND' });
    });
  });

  describe('keyring configuration', () => {
    it('rejects a key that is not 32 bytes', () => {
      assert.throws(() => parseKeyring(`k1:${randomBytes(16).toString('base64')}`), {
        code: 'CONFIG_INVALID',
        message: 'master key "k1" must be 32 bytes of base64',
      });
    });

    it('rejects an active key id that is not configured', () => {
      assert.throws(() => parseKeyring(`k1:${key()}`, 'k9'), {
        code: 'CONFIG_INVALID',
        message: 'active master key "k9" is not among the configured keys',
      });
    });

    it('rejects an empty key list', () => {
      assert.throws(() => parseKeyring(' '), { code: 'CONFIG_INVALID' });
    });
  });
});
