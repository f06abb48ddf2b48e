import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro, { type Type } from 'avsc';
import {
  AvroSerde,
  DsrError,
  createLogger,
  readSchema,
  topicLayout,
  writeWireRecord,
  type ConsumedRecord,
  type IntakeTask,
  type ProducedRecord,
} from '@dsr/shared';
import type { AcceptedRequests, ClaimOutcome } from '../../../src/dedup/accepted-requests';
import { IngestTransform } from '../../../src/consume/ingest-transform';
import { IngestOutputs } from '../../../src/records/ingest-outputs';

const layout = topicLayout();
const types = new Map<string, Type>(
  ['intake-task', 'routed-task', 'audit-event', 'alert', 'quarantine-record'].map((name) => [
    name,
    avro.Type.forSchema(JSON.parse(readSchema(`${name}.avsc`))),
  ]),
);
const TYPE_OF_TOPIC: Record<string, string> = {
  [layout.topics.intake]: 'intake-task',
  [layout.topics.validated]: 'routed-task',
  [layout.topics.audit]: 'audit-event',
  [layout.topics.alerts]: 'alert',
  [layout.topics.quarantine]: 'quarantine-record',
};

/** A registry stand-in that knows the intake schema as id 1, or is down. */
function registry(down = false): SchemaRegistry {
  return {
    getSchema: async () => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { status: 400 });
      return types.get('intake-task');
    },
    getRegistryIdBySchema: async () => 1,
  } as unknown as SchemaRegistry;
}

function transform(claim: ClaimOutcome, down = false, lines: string[] = []): IngestTransform {
  const serde = new AvroSerde({
    registryUrl: 'http://registry.invalid',
    layout,
    registry: registry(down),
  });
  const accepted = { claim: async () => claim } as unknown as AcceptedRequests;
  return new IngestTransform({
    serde,
    outputs: new IngestOutputs(serde, layout),
    accepted,
    rules: {
      sourceSystems: new Set(['crm']),
      jurisdictions: { GDPR: { months: 1 } },
      defaultJurisdiction: 'GDPR',
      clockSkewMs: 0,
    },
    subjectKeySecret: 'ingest-transform-unit-test-secret-0123456789',
    logger: createLogger({
      service: 'test',
      level: 'debug',
      destination: { write: (line: string) => void lines.push(line) },
    }),
  });
}

function record(task: Partial<IntakeTask> | Buffer | null): ConsumedRecord {
  const value =
    task === null || Buffer.isBuffer(task)
      ? task
      : writeWireRecord(
          1,
          types.get('intake-task')!.toBuffer({
            request_id: 'req-1',
            subject_email: 'a@example.test',
            action: 'access',
            source_system: 'crm',
            priority: 3,
            jurisdiction: null,
            received_at: null,
            deadline: null,
            changes: null,
            trace_id: null,
            ...task,
          }),
        );
  return {
    topic: layout.topics.intake,
    partition: 1,
    offset: '7',
    key: null,
    value,
    timestamp: String(Date.now()),
    headers: {},
  };
}

function summary(produced: ProducedRecord[]): string[] {
  return produced.map((r) => {
    const value = types.get(TYPE_OF_TOPIC[r.topic]!)!.fromBuffer(r.value.subarray(5)) as Record<
      string,
      unknown
    >;
    const label = (value.stage ??
      value.kind ??
      (value.reason_codes as string[] | undefined)?.join('+') ??
      value.request_id) as string;
    return `${r.topic}:${label}`;
  });
}

describe('IngestTransform', () => {
  it('when the task is new, produces received, the validated task, and validated', async () => {
    const produced = await transform({ kind: 'new' }).transform(record({}));
    assert.deepEqual(summary(produced), [
      'dsr.audit:received',
      'dsr.validated:req-1',
      'dsr.audit:validated',
    ]);
  });

  it('when the same record comes back after an aborted transaction, produces it again as the owner', async () => {
    const produced = await transform({ kind: 'same_record' }).transform(record({}));
    assert.deepEqual(summary(produced), [
      'dsr.audit:received',
      'dsr.validated:req-1',
      'dsr.audit:validated',
    ]);
  });

  it('when the request id was accepted from another record with the same content, audits a duplicate only', async () => {
    const first = { topic: 'dsr.intake', partition: 0, offset: '3' };
    const produced = await transform({ kind: 'duplicate', first }).transform(record({}));
    assert.deepEqual(summary(produced), ['dsr.audit:received', 'dsr.audit:duplicate']);
  });

  it('when the request id was accepted with different content, quarantines with REQUEST_ID_CONFLICT and alerts', async () => {
    const first = { topic: 'dsr.intake', partition: 0, offset: '3' };
    const produced = await transform({ kind: 'conflict', first }).transform(record({}));
    assert.deepEqual(summary(produced), [
      'dsr.audit:received',
      'dsr.quarantine:REQUEST_ID_CONFLICT',
      'dsr.alerts:request_id_conflict',
      'dsr.audit:quarantined',
    ]);
  });

  it('when the deadline has passed, adds a deadline_at_risk alert', async () => {
    const produced = await transform({ kind: 'new' }).transform(
      record({ received_at: Date.now() - 90 * 86_400_000 }),
    );
    assert.deepEqual(summary(produced).slice(-1), ['dsr.alerts:deadline_at_risk']);
  });

  it('when the value does not decode, quarantines it with the decode code and alerts', async () => {
    const produced = await transform({ kind: 'new' }).transform(record(Buffer.from('not avro')));
    assert.deepEqual(summary(produced), [
      'dsr.audit:received',
      'dsr.quarantine:DECODE_BAD_MAGIC_BYTE',
      'dsr.alerts:quarantine',
      'dsr.audit:quarantined',
    ]);
  });

  it('when the registry is unreachable, throws the transient error instead of quarantining', async () => {
    await assert.rejects(
      transform({ kind: 'new' }, true).transform(record({})),
      (error: unknown) => {
        assert.ok(error instanceof DsrError);
        assert.equal(error.code, 'REGISTRY_UNREACHABLE');
        assert.equal(error.retriable, true);
        return true;
      },
    );
  });

  it('keys the validated task by subject key and audit events by request id, never by email', async () => {
    const produced = await transform({ kind: 'new' }).transform(record({}));
    const keys = produced.map((r) => String(r.key));
    assert.match(keys[1]!, /^[0-9a-f]{64}$/);
    assert.deepEqual([keys[0], keys[2]], ['req-1', 'req-1']);
    assert.ok(produced.every((r) => !JSON.stringify(r.headers ?? {}).includes('example.test')));
  });

  it('when it quarantines a task, logs an error with coordinates and codes but no personal data', async () => {
    const lines: string[] = [];
    const bad = {
      subject_email: 'private.person@@example.test',
      changes: { name: 'Private Name' },
    };
    await transform({ kind: 'new' }, false, lines).transform(record(bad));
    const errors = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const quarantined = errors.find((line) => line.msg === 'intake record quarantined');
    assert.equal(quarantined?.level, 'error');
    assert.equal(quarantined?.offset, '7');
    assert.deepEqual(quarantined?.reason_codes, [
      'VALIDATION_EMAIL_INVALID',
      'VALIDATION_CHANGES_UNEXPECTED',
    ]);
    assert.ok(
      lines.every((line) => !line.includes('private.person') && !line.includes('Private Name')),
    );
  });

  it('when it quarantines a decodable task, its log line carries the request and trace ids', async () => {
    const lines: string[] = [];
    const bad = { subject_email: 'private.person@@example.test', trace_id: 'trace-7' };
    await transform({ kind: 'new' }, false, lines).transform(record(bad));
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const quarantined = parsed.find((line) => line.msg === 'intake record quarantined');
    assert.equal(quarantined?.request_id, 'req-1');
    assert.equal(quarantined?.trace_id, 'trace-7');
    assert.ok(lines.every((line) => !line.includes('private.person')));
  });

  it('when it skips a duplicate, its log line carries the request and trace ids', async () => {
    const lines: string[] = [];
    const first = { topic: 'dsr.intake', partition: 0, offset: '3' };
    await transform({ kind: 'duplicate', first }, false, lines).transform(
      record({ trace_id: 'trace-8' }),
    );
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const duplicate = parsed.find((line) => line.msg === 'duplicate request id skipped');
    assert.equal(duplicate?.level, 'warn');
    assert.equal(duplicate?.request_id, 'req-1');
    assert.equal(duplicate?.trace_id, 'trace-8');
    assert.equal(duplicate?.offset, '7');
  });
});
