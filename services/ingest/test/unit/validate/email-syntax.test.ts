import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidEmail } from '../../../src/validate/email-syntax';

describe('isValidEmail', () => {
  it('accepts ordinary, tagged, dotted, internationalised and IDNA addresses', () => {
    for (const address of [
      'someone@example.test',
      'first.last+tag@mail.example.co.uk',
      "o'brien@example.ie",
      'josé@exämple.de',
      'user@xn--exmple-cua.de',
      `${'a'.repeat(64)}@example.test`,
    ]) {
      assert.equal(isValidEmail(address), true, address);
    }
  });

  it('refuses addresses mail cannot be delivered to', () => {
    for (const address of [
      '',
      'plain',
      '@example.test',
      'someone@',
      'someone@localhost',
      'some one@example.test',
      'a@b@example.test',
      '.lead@example.test',
      'trail.@example.test',
      'dou..ble@example.test',
      'someone@-bad.example',
      'someone@bad-.example',
      'someone@example.1',
      '"quoted"@example.test',
      `${'a'.repeat(65)}@example.test`,
      `a@${'b'.repeat(250)}.test`,
      'tab\t@example.test',
    ]) {
      assert.equal(isValidEmail(address), false, JSON.stringify(address));
    }
  });
});
