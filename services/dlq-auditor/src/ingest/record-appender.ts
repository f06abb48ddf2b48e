import type { Pool, PoolClient } from 'pg';
import { sealEnvelope } from '../crypto/envelope';
import type { Keyring } from '../crypto/keyring';
import {
  GENESIS_HASH,
  recordHash,
  CHAINED_COLUMNS,
  type ChainedFields,
} from '../chain/record-hash';
import type { IncomingRecord, SourceCoordinates } from './incoming-record';

/**
 * Serialises every append to the chain, across processes: the next record's position and
 * previous hash depend on the last one written.
 */
export const CHAIN_LOCK_ID = 7_301_002;

/** What one append did. */
export interface AppendResult {
  appended: number;
  /** Records already stored under the same coordinates (a redelivery after a crash). */
  duplicates: number;
}

const INSERTED_COLUMNS = [...CHAINED_COLUMNS, 'prev_hash', 'hash'];
const INSERT_RECORD = `INSERT INTO auditor.audit_record (${INSERTED_COLUMNS.join(', ')})
  VALUES (${INSERTED_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

/**
 * The envelope's authenticated context: where the record came from. Sealed bytes copied onto
 * another row fail to open there.
 */
export function sealContext(source: SourceCoordinates): string {
  return `${source.topic}/${source.partition}/${source.offset}`;
}

/**
 * Appends records to the chain in one transaction. Each record gets the next position, its
 * personal part sealed under a fresh data key, and a hash over the previous hash and its
 * chained columns. Records whose coordinates are already stored are skipped, which makes a
 * redelivered batch harmless; together with committing offsets only after this returns, every
 * consumed record is stored exactly once.
 */
export async function appendRecords(
  pool: Pool,
  records: readonly IncomingRecord[],
  keyring: Keyring,
): Promise<AppendResult> {
  if (records.length === 0) return { appended: 0, duplicates: 0 };

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_ID]);
    const result = await appendLocked(client, records, keyring);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function appendLocked(
  client: PoolClient,
  records: readonly IncomingRecord[],
  keyring: Keyring,
): Promise<AppendResult> {
  let { position, hash } = await lastLink(client);
  let duplicates = 0;

  for (const record of records) {
    if (await isStored(client, record.source)) {
      duplicates += 1;
      continue;
    }

    position += 1n;
    const fields = await sealAndStoreKey(client, record, position, keyring);
    const next = recordHash(hash, fields);
    await client.query(INSERT_RECORD, [...CHAINED_COLUMNS.map((c) => fields[c]), hash, next]);
    hash = next;
  }
  return { appended: records.length - duplicates, duplicates };
}

async function sealAndStoreKey(
  client: PoolClient,
  record: IncomingRecord,
  position: bigint,
  keyring: Keyring,
): Promise<ChainedFields> {
  const plaintext = Buffer.from(JSON.stringify(record.personal), 'utf8');
  const envelope = sealEnvelope(plaintext, sealContext(record.source), keyring);

  await client.query(
    `INSERT INTO auditor.data_key (id, master_key_id, wrapped_key, subject_key, occurred_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      envelope.dataKeyId,
      envelope.masterKeyId,
      envelope.wrappedKey,
      record.subjectKey,
      record.plain.occurred_at,
    ],
  );

  return {
    ...record.plain,
    position: position.toString(),
    source_topic: record.source.topic,
    source_partition: record.source.partition,
    source_offset: record.source.offset,
    ingested_at: new Date(),
    master_key_id: envelope.masterKeyId,
    data_key_id: envelope.dataKeyId,
    nonce: envelope.nonce,
    sealed: envelope.sealed,
  };
}

async function lastLink(client: PoolClient): Promise<{ position: bigint; hash: Buffer }> {
  const { rows } = await client.query<{ position: string; hash: Buffer }>(
    'SELECT position, hash FROM auditor.audit_record ORDER BY position DESC LIMIT 1',
  );
  const last = rows[0];
  return last
    ? { position: BigInt(last.position), hash: last.hash }
    : { position: 0n, hash: GENESIS_HASH };
}

async function isStored(client: PoolClient, source: SourceCoordinates): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM auditor.audit_record
     WHERE source_topic = $1 AND source_partition = $2 AND source_offset = $3`,
    [source.topic, source.partition, source.offset],
  );
  return (rowCount ?? 0) > 0;
}
