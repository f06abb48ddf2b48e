import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { readSchema, type AvroSerde, type IntakeTask, type TopicLayout } from '@dsr/shared';
import { intakeTask } from './pipeline-fixtures';
import { uniqueName } from './environment';

/** One kind of bad intake record and the reason codes ingest must give it. */
export interface BadIntake {
  kind: string;
  key: string;
  value: Buffer | null;
  reasons: string[];
}

const DAY_MS = 86_400_000;
const str = avro.Type.forSchema('string');

/** The largest intake value the corpus's ingest accepts; the oversize case is above it. */
export const CORPUS_MAX_VALUE_BYTES = 65_536;

/**
 * At least thirty kinds of bad intake: every decode failure and every validation rule, each
 * breaking exactly one rule so the expected reason is unambiguous.
 */
export async function badIntakeCorpus(serde: AvroSerde, layout: TopicLayout): Promise<BadIntake[]> {
  const topic = layout.topics.intake;
  const encode = (task: IntakeTask) => serde.encode(topic, task);
  const valid = await encode(intakeTask());
  const schemaId = valid.readInt32BE(1);
  const header = (id: number) =>
    Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]);
  const auditValue = await serde.encode(layout.topics.audit, {
    event_id: 'e',
    occurred_at: 1,
    service: 'x',
    stage: 'received',
    request_id: null,
    subject_key: null,
    trace_id: null,
    lane: null,
    source_system: null,
    action: null,
    attempt: null,
    reason_code: null,
    detail: null,
    result_digest: null,
    result_bytes: null,
    coordinates: null,
  });
  const body = (enumIndex: number) =>
    Buffer.concat([
      str.toBuffer('r1'),
      str.toBuffer('a@b.co'),
      Buffer.from([enumIndex * 2]),
      str.toBuffer('crm'),
      Buffer.from([2, 0, 0, 0, 0, 0]),
    ]);

  const raw: [string, Buffer | null, string][] = [
    ['null value (tombstone)', null, 'DECODE_EMPTY_VALUE'],
    ['zero bytes', Buffer.alloc(0), 'DECODE_EMPTY_VALUE'],
    [
      'JSON text',
      Buffer.from('{"request_id":"r","subject_email":"a@b.co"}'),
      'DECODE_BAD_MAGIC_BYTE',
    ],
    [
      'random bytes',
      Buffer.concat([Buffer.from([0xff]), randomBytes(64)]),
      'DECODE_BAD_MAGIC_BYTE',
    ],
    ['magic byte only', Buffer.from([0]), 'DECODE_TRUNCATED'],
    ['partial header', Buffer.from([0, 0, 1]), 'DECODE_TRUNCATED'],
    ['header without body', header(schemaId), 'DECODE_TRUNCATED'],
    ['truncated body', valid.subarray(0, valid.length - 8), 'DECODE_TRUNCATED'],
    ['trailing bytes', Buffer.concat([valid, Buffer.from([1, 2, 3])]), 'DECODE_MALFORMED_AVRO'],
    [
      'enum index out of range',
      Buffer.concat([header(schemaId), body(9)]),
      'DECODE_MALFORMED_AVRO',
    ],
    [
      'unknown schema id',
      Buffer.concat([header(2_000_000_000), valid.subarray(5)]),
      'DECODE_UNKNOWN_SCHEMA_ID',
    ],
    ['unrelated schema', auditValue, 'DECODE_SCHEMA_MISMATCH'],
    [
      'oversize record',
      Buffer.concat([valid, Buffer.alloc(CORPUS_MAX_VALUE_BYTES)]),
      'DECODE_RECORD_TOO_LARGE',
    ],
  ];

  const now = Date.now();
  const semantic: [string, Partial<IntakeTask>, string][] = [
    ['email without @', { subject_email: 'someone.example.test' }, 'VALIDATION_EMAIL_INVALID'],
    [
      'email with inner space',
      { subject_email: 'some one@example.test' },
      'VALIDATION_EMAIL_INVALID',
    ],
    ['email with two @', { subject_email: 'a@b@example.test' }, 'VALIDATION_EMAIL_INVALID'],
    [
      'email without top-level domain',
      { subject_email: 'someone@localhost' },
      'VALIDATION_EMAIL_INVALID',
    ],
    [
      'email too long',
      { subject_email: `${'a'.repeat(60)}@${'b'.repeat(200)}.test` },
      'VALIDATION_EMAIL_INVALID',
    ],
    ['empty email', { subject_email: '' }, 'VALIDATION_EMAIL_INVALID'],
    ['empty request id', { request_id: '' }, 'VALIDATION_REQUEST_ID_INVALID'],
    ['request id too long', { request_id: 'r'.repeat(200) }, 'VALIDATION_REQUEST_ID_INVALID'],
    ['request id with whitespace', { request_id: 'req 1\n' }, 'VALIDATION_REQUEST_ID_INVALID'],
    ['unknown source system', { source_system: 'mainframe' }, 'VALIDATION_SOURCE_SYSTEM_UNKNOWN'],
    ['empty source system', { source_system: '' }, 'VALIDATION_SOURCE_SYSTEM_UNKNOWN'],
    [
      'rectification without changes',
      { action: 'rectification', changes: null },
      'VALIDATION_CHANGES_MISSING',
    ],
    [
      'rectification with empty changes',
      { action: 'rectification', changes: {} },
      'VALIDATION_CHANGES_MISSING',
    ],
    [
      'rectification with a bad field name',
      { action: 'rectification', changes: { 'bad field!': 'x' } },
      'VALIDATION_CHANGES_INVALID',
    ],
    [
      'rectification with a huge value',
      { action: 'rectification', changes: { name: 'x'.repeat(5_000) } },
      'VALIDATION_CHANGES_INVALID',
    ],
    [
      'rectification with too many changes',
      {
        action: 'rectification',
        changes: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, 'v'])),
      },
      'VALIDATION_CHANGES_INVALID',
    ],
    [
      'deletion with changes',
      { action: 'deletion', changes: { name: 'x' } },
      'VALIDATION_CHANGES_UNEXPECTED',
    ],
    ['unknown jurisdiction', { jurisdiction: 'ATLANTIS' }, 'VALIDATION_JURISDICTION_UNKNOWN'],
    ['received in the future', { received_at: now + DAY_MS }, 'VALIDATION_RECEIVED_AT_INVALID'],
    ['received before 1970', { received_at: -5 }, 'VALIDATION_RECEIVED_AT_INVALID'],
    [
      'deadline before receipt',
      { received_at: now - 2 * DAY_MS, deadline: now - 3 * DAY_MS },
      'VALIDATION_DEADLINE_INVALID',
    ],
    ['trace id with whitespace', { trace_id: 'trace id' }, 'VALIDATION_TRACE_ID_INVALID'],
  ];

  const corpus: BadIntake[] = raw.map(([kind, value, reason]) => ({
    kind,
    key: uniqueName('bad'),
    value,
    reasons: [reason],
  }));
  for (const [kind, overrides, reason] of semantic) {
    corpus.push({
      kind,
      key: uniqueName('bad'),
      value: await encode(intakeTask(overrides)),
      reasons: [reason],
    });
  }
  return corpus;
}

/** The five-field intake schema an older upstream producer writes with. */
export function olderIntakeSchema(): object {
  const current = JSON.parse(readSchema('intake-task.avsc')) as { fields: { name: string }[] };
  const required = new Set(['request_id', 'subject_email', 'action', 'source_system', 'priority']);
  return { ...current, fields: current.fields.filter((f) => required.has(f.name)) };
}
