import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsrError } from '../../../src/errors';
import { readWireHeader, writeWireRecord } from '../../../src/serde/wire-format';

function rejects(
  value: Buffer | null | undefined,
  code: string,
  message?: RegExp,
  max = 1_024,
): void {
  assert.throws(
    () => readWireHeader(value, max),
    (error: unknown) => {
      assert.ok(error instanceof DsrError);
      assert.equal(error.code, code);
      assert.equal(error.category, 'invalid_input');
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('readWireHeader', () => {
  it('when the value is null, undefined or zero bytes, throws DECODE_EMPTY_VALUE', () => {
    rejects(null, 'DECODE_EMPTY_VALUE', /no value/);
    rejects(undefined, 'DECODE_EMPTY_VALUE');
    rejects(Buffer.alloc(0), 'DECODE_EMPTY_VALUE');
  });

  it('when the value is longer than the limit, throws DECODE_RECORD_TOO_LARGE before reading it', () => {
    rejects(Buffer.alloc(1_025), 'DECODE_RECORD_TOO_LARGE', /1025 bytes, above the limit of 1024/);
  });

  it('when the first byte is not 0x00, throws DECODE_BAD_MAGIC_BYTE naming the byte', () => {
    rejects(Buffer.from('{"a":1}'), 'DECODE_BAD_MAGIC_BYTE', /starts with byte 0x7b/);
    rejects(Buffer.from([0xff]), 'DECODE_BAD_MAGIC_BYTE', /0xff/);
  });

  it('when the header is cut short, throws DECODE_TRUNCATED', () => {
    rejects(Buffer.from([0]), 'DECODE_TRUNCATED', /1 bytes, shorter than the 5-byte header/);
    rejects(Buffer.from([0, 0, 0, 1]), 'DECODE_TRUNCATED');
  });

  it('when the header is complete, returns the schema id and the body', () => {
    const record = writeWireRecord(258, Buffer.from([7, 8]));
    assert.deepEqual([...record], [0, 0, 0, 1, 2, 7, 8]);
    const { schemaId, payload } = readWireHeader(record, 1_024);
    assert.equal(schemaId, 258);
    assert.deepEqual([...payload], [7, 8]);
  });
});
