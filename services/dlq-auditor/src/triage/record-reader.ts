import type { Pool } from 'pg';
import { DsrError } from '@dsr/shared';
import { openEnvelope } from '../crypto/envelope';
import type { Keyring } from '../crypto/keyring';
import { sealContext } from '../ingest/record-appender';

/** A stored record as anyone allowed to list records sees it: no personal data. */
export interface RedactedRecord {
  position: string;
  kind: string;
  recordId: string;
  source: { topic: string; partition: number; offset: string };
  occurredAt: string;
  ingestedAt: string;
  requestId: string | null;
  action: string | null;
  sourceSystem: string | null;
  lane: string | null;
  errorCode: string | null;
  errorCategory: string | null;
  attempts: number | null;
  breakerRefusal: boolean | null;
  receivedAt: string | null;
  deadline: string | null;
  reasonCodes: string[] | null;
  detail: string | null;
  masterKeyId: string;
  /** Whether the data key was destroyed by retention. */
  shredded: boolean;
  /** Whether an operator marked it resolved. */
  resolved: boolean;
  hash: string;
}

interface RecordRow {
  position: string;
  kind: string;
  record_id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  occurred_at: Date;
  ingested_at: Date;
  request_id: string | null;
  action: string | null;
  source_system: string | null;
  lane: string | null;
  error_code: string | null;
  error_category: string | null;
  attempts: number | null;
  breaker_refusal: boolean | null;
  received_at: Date | null;
  deadline: Date | null;
  reason_codes: string[] | null;
  detail: string | null;
  master_key_id: string;
  data_key_id: string;
  nonce: Buffer;
  sealed: Buffer;
  hash: Buffer;
  wrapped_key: Buffer | null;
  resolved: boolean;
}

const SELECT_RECORDS = `SELECT a.*, k.wrapped_key,
    EXISTS (SELECT 1 FROM auditor.record_event e
            WHERE e.position = a.position AND e.kind = 'resolved')
      AS resolved
  FROM auditor.audit_record a LEFT JOIN auditor.data_key k ON k.id = a.data_key_id`;

/** Which records to list. */
export interface ListOptions {
  /** Only records of this kind. */
  kind?: string;
  /** Only records after this position (paging forwards). */
  afterPosition?: string;
  /** At most this many; default 50, at most 500. */
  limit?: number;
}

/** Records in position order, redacted. */
export async function listRecords(
  pool: Pool,
  options: ListOptions = {},
): Promise<RedactedRecord[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const { rows } = await pool.query<RecordRow>(
    `${SELECT_RECORDS} WHERE a.position > $1 AND ($2::text IS NULL OR a.kind = $2)
     ORDER BY a.position LIMIT $3`,
    [options.afterPosition ?? '0', options.kind ?? null, limit],
  );
  return rows.map(redact);
}

/** Records of one subject, found by its keyed hash without opening any record. */
export async function recordsOfSubject(pool: Pool, subjectKey: string): Promise<RedactedRecord[]> {
  const { rows } = await pool.query<RecordRow>(
    `${SELECT_RECORDS} WHERE k.subject_key = $1 ORDER BY a.position`,
    [subjectKey],
  );
  return rows.map(redact);
}

/** One record, redacted; NOT_FOUND when there is none at that position. */
export async function readRecord(pool: Pool, position: string): Promise<RedactedRecord> {
  return redact(await fetchRow(pool, position));
}

/** One record with its personal part opened. RECORD_SHREDDED once retention destroyed its key. */
export async function readPersonal(
  pool: Pool,
  position: string,
  keyring: Keyring,
): Promise<{ record: RedactedRecord; personal: Record<string, unknown> }> {
  const row = await fetchRow(pool, position);
  const opened = openEnvelope(
    {
      dataKeyId: row.data_key_id,
      masterKeyId: row.master_key_id,
      wrappedKey: row.wrapped_key,
      nonce: row.nonce,
      sealed: row.sealed,
    },
    sealContext({
      topic: row.source_topic,
      partition: row.source_partition,
      offset: row.source_offset,
    }),
    keyring,
  );
  return {
    record: redact(row),
    personal: JSON.parse(opened.toString('utf8')) as Record<string, unknown>,
  };
}

async function fetchRow(pool: Pool, position: string): Promise<RecordRow> {
  const { rows } = await pool.query<RecordRow>(`${SELECT_RECORDS} WHERE a.position = $1`, [
    position,
  ]);
  const row = rows[0];
  if (!row) {
    throw new DsrError('NOT_FOUND', `no record at position ${position}`, { context: { position } });
  }
  return row;
}

function redact(row: RecordRow): RedactedRecord {
  return {
    position: row.position,
    kind: row.kind,
    recordId: row.record_id,
    source: { topic: row.source_topic, partition: row.source_partition, offset: row.source_offset },
    occurredAt: row.occurred_at.toISOString(),
    ingestedAt: row.ingested_at.toISOString(),
    requestId: row.request_id,
    action: row.action,
    sourceSystem: row.source_system,
    lane: row.lane,
    errorCode: row.error_code,
    errorCategory: row.error_category,
    attempts: row.attempts,
    breakerRefusal: row.breaker_refusal,
    receivedAt: row.received_at?.toISOString() ?? null,
    deadline: row.deadline?.toISOString() ?? null,
    reasonCodes: row.reason_codes,
    detail: row.detail,
    masterKeyId: row.master_key_id,
    shredded: row.wrapped_key === null,
    resolved: row.resolved,
    hash: row.hash.toString('hex'),
  };
}
