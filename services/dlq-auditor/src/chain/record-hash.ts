import { createHash } from 'node:crypto';
import { canonicalBytes, type CanonicalValue } from './canonical';

/** The hash the first record is chained to. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

const DOMAIN = Buffer.from('dsr.auditor.chain.v1\n', 'utf8');

/**
 * The columns the chain covers: every non-personal column and the sealed personal part, but
 * not the data key. Destroying a data key therefore changes nothing a hash depends on, and the
 * chain keeps verifying after retention.
 */
export const CHAINED_COLUMNS = Object.freeze([
  'position',
  'kind',
  'record_id',
  'source_topic',
  'source_partition',
  'source_offset',
  'occurred_at',
  'ingested_at',
  'request_id',
  'action',
  'source_system',
  'lane',
  'error_code',
  'error_category',
  'attempts',
  'breaker_refusal',
  'received_at',
  'deadline',
  'reason_codes',
  'detail',
  'schema_id',
  'master_key_id',
  'data_key_id',
  'nonce',
  'sealed',
] as const);

/** The name of one chained column. */
export type ChainedColumn = (typeof CHAINED_COLUMNS)[number];

/**
 * One record's chained columns. `position` and `source_offset` are 64-bit in the database and
 * travel as decimal strings, which is also how the pg driver returns them.
 */
export type ChainedFields = { readonly [K in ChainedColumn]: CanonicalValue };

/** SHA-256 over the previous hash and the record's canonical content. */
export function recordHash(previous: Buffer, fields: ChainedFields): Buffer {
  return createHash('sha256')
    .update(DOMAIN)
    .update(previous)
    .update(canonicalBytes(chainedFields(fields)))
    .digest();
}

/** Exactly the chained columns of a row that may carry others (hash, prev_hash, …). */
export function chainedFields(row: { readonly [key: string]: unknown }): ChainedFields {
  const picked: Record<string, CanonicalValue> = {};
  for (const column of CHAINED_COLUMNS) {
    const value = row[column];
    picked[column] = value === undefined ? null : (value as CanonicalValue);
  }
  return picked as ChainedFields;
}
