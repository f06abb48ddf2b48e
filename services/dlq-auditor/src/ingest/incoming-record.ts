import type { DeadLetterRecord, QuarantineRecord } from '@dsr/shared';

/** Where a consumed record sat in Kafka; its identity for exactly-once storage. */
export interface SourceCoordinates {
  topic: string;
  partition: number;
  /** 64-bit offset as a decimal string. */
  offset: string;
}

/** The non-personal columns of a stored record, as they go into the database. */
export interface PlainColumns {
  kind: 'dead_letter' | 'quarantine' | 'undecodable';
  record_id: string;
  occurred_at: Date;
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
  schema_id: number | null;
}

/** A consumed record ready to be sealed and appended. */
export interface IncomingRecord {
  source: SourceCoordinates;
  plain: PlainColumns;
  /** Everything that may identify a subject; sealed, never stored in the clear. */
  personal: Record<string, unknown>;
  /** The subject's keyed hash for lookup, when the record names a subject. */
  subjectKey: string | null;
}

const EMPTY: Omit<PlainColumns, 'kind' | 'record_id' | 'occurred_at'> = Object.freeze({
  request_id: null,
  action: null,
  source_system: null,
  lane: null,
  error_code: null,
  error_category: null,
  attempts: null,
  breaker_refusal: null,
  received_at: null,
  deadline: null,
  reason_codes: null,
  detail: null,
  schema_id: null,
});

/**
 * A dead letter split into what stays readable (identifiers, codes, counts, instants) and what
 * is sealed: the task (email, changes) and the error message, which a source may have filled
 * with the subject's details.
 */
export function fromDeadLetter(
  source: SourceCoordinates,
  record: DeadLetterRecord,
  schemaId: number,
): IncomingRecord {
  return {
    source,
    plain: {
      ...EMPTY,
      kind: 'dead_letter',
      record_id: record.dead_letter_id,
      occurred_at: new Date(record.dead_lettered_at),
      request_id: record.request_id,
      action: record.action,
      source_system: record.source_system,
      lane: record.lane,
      error_code: record.error_code,
      error_category: record.error_category,
      attempts: record.attempts,
      breaker_refusal: record.breaker_refusal,
      received_at: new Date(record.task.received_at),
      deadline: new Date(record.task.deadline),
      schema_id: schemaId,
    },
    personal: {
      task: record.task,
      error_message: record.error_message,
      first_failure_at: record.first_failure_at,
      origin: record.origin,
    },
    subjectKey: record.subject_key,
  };
}

/**
 * A quarantined intake record: its original bytes and key are sealed (they are the producer's
 * payload); the reasons and detail, which never hold personal data, stay readable.
 */
export function fromQuarantine(
  source: SourceCoordinates,
  record: QuarantineRecord,
  schemaId: number,
  subjectKey: string | null,
): IncomingRecord {
  return {
    source,
    plain: {
      ...EMPTY,
      kind: 'quarantine',
      record_id: record.quarantine_id,
      occurred_at: new Date(record.quarantined_at),
      request_id: record.request_id,
      reason_codes: record.reason_codes,
      detail: record.detail,
      schema_id: schemaId,
    },
    personal: {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key?.toString('base64') ?? null,
      original: record.original.toString('base64'),
      schema_id: record.schema_id,
    },
    subjectKey,
  };
}

/**
 * A record on dsr.dlq or dsr.quarantine that could not be decoded. It is stored all the same,
 * sealed, with the decode error's code, so that nothing the pipeline gave up on goes unrecorded.
 */
export function fromUndecodable(
  source: SourceCoordinates,
  value: Buffer | null,
  key: Buffer | null,
  timestampMs: number,
  errorCode: string,
): IncomingRecord {
  return {
    source,
    plain: {
      ...EMPTY,
      kind: 'undecodable',
      record_id: `${source.topic}/${source.partition}/${source.offset}`,
      occurred_at: new Date(timestampMs),
      error_code: errorCode,
      detail: 'the record could not be decoded; its bytes are sealed',
    },
    personal: {
      key: key?.toString('base64') ?? null,
      value: value?.toString('base64') ?? null,
    },
    subjectKey: null,
  };
}
