import { DsrError } from '../errors';

/** The first byte of every Confluent wire-format record. */
export const MAGIC_BYTE = 0;

/** Magic byte plus the 4-byte big-endian schema id. */
export const WIRE_HEADER_BYTES = 5;

/** A record value split into its writer-schema id and its Avro body. */
export interface WireRecord {
  schemaId: number;
  payload: Buffer;
}

/**
 * Splits a Confluent wire-format value (https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format)
 * into schema id and body. Checks run cheapest first, and the magic byte before the length: a
 * value that does not start with it is not ours at all, whatever its size.
 */
export function readWireHeader(
  value: Buffer | null | undefined,
  maxValueBytes: number,
): WireRecord {
  if (value === null || value === undefined || value.length === 0) {
    throw new DsrError('DECODE_EMPTY_VALUE', 'the record has no value (null or zero bytes)');
  }

  if (value.length > maxValueBytes) {
    throw new DsrError(
      'DECODE_RECORD_TOO_LARGE',
      `the record value is ${value.length} bytes, above the limit of ${maxValueBytes}`,
      { context: { valueBytes: value.length, maxValueBytes } },
    );
  }

  if (value[0] !== MAGIC_BYTE) {
    throw new DsrError(
      'DECODE_BAD_MAGIC_BYTE',
      `the record starts with byte 0x${value[0]!.toString(16).padStart(2, '0')}, not the ` +
        'Confluent magic byte 0x00; it was not written by a schema-registry serializer',
      { context: { firstByte: value[0] } },
    );
  }

  if (value.length < WIRE_HEADER_BYTES) {
    throw new DsrError(
      'DECODE_TRUNCATED',
      `the record is ${value.length} bytes, shorter than the ${WIRE_HEADER_BYTES}-byte header`,
      { context: { valueBytes: value.length } },
    );
  }

  return { schemaId: value.readInt32BE(1), payload: value.subarray(WIRE_HEADER_BYTES) };
}

/** Prefixes an Avro body with the magic byte and the schema id. */
export function writeWireRecord(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(WIRE_HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}
