import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsrError } from '@dsr/shared';
import { HeldTaskCipher } from '../../../src/ordering/held-task-cipher';

const SECRET = 'router-unit-test-secret-0123456789abcdef';

describe('HeldTaskCipher', () => {
  it('opens what it sealed, and the sealed form does not contain the plain text', () => {
    const cipher = new HeldTaskCipher(SECRET);
    const plain = Buffer.from('subject@example.test wants erasure');
    const sealed = cipher.seal(plain, 'req-1');
    assert.equal(sealed.includes(Buffer.from('subject@example.test')), false);
    assert.deepEqual(cipher.open(sealed, 'req-1'), plain);
  });

  it('seals the same task differently each time (fresh IV)', () => {
    const cipher = new HeldTaskCipher(SECRET);
    assert.notDeepEqual(cipher.seal(Buffer.from('x'), 'r'), cipher.seal(Buffer.from('x'), 'r'));
  });

  it('when opened under another request id, a tampered body or another secret, refuses with CONFIG_INVALID', () => {
    const sealed = new HeldTaskCipher(SECRET).seal(Buffer.from('task'), 'req-1');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    for (const [cipher, value, id] of [
      [new HeldTaskCipher(SECRET), sealed, 'req-2'],
      [new HeldTaskCipher(SECRET), tampered, 'req-1'],
      [new HeldTaskCipher(`${SECRET}-rotated`), sealed, 'req-1'],
    ] as const) {
      assert.throws(
        () => cipher.open(value, id),
        (error: unknown) => {
          assert.ok(error instanceof DsrError);
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, /was the subject-key secret changed\?/);
          return true;
        },
      );
    }
  });
});
