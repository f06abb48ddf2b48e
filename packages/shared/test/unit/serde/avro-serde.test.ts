import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro, { type Type } from 'avsc';
import { DsrError } from '../../../src/errors';
import { topicLayout } from '../../../src/kafka/topics';
import { readSchema } from '../../../src/registry/schema-catalog';
import { AvroSerde } from '../../../src/serde/avro-serde';
import { writeWireRecord } from '../../../src/serde/wire-format';

const layout = topicLayout();
const INTAKE = layout.topics.intake;
const intakeType = avro.Type.forSchema(JSON.parse(readSchema('intake-task.avsc')));
const auditType = avro.Type.forSchema(JSON.parse(readSchema('audit-event.avsc')));
const olderType = avro.Type.forSchema({
  type: 'record',
  name: 'IntakeTask',
  namespace: 'dsr.v1',
  fields: [
    { name: 'request_id', type: 'string' },
    { name: 'subject_email', type: 'string' },
    {
      name: 'action',
      type: { type: 'enum', name: 'DsrAction', symbols: ['access', 'deletion', 'rectification'] },
    },
    { name: 'source_system', type: 'string' },
    { name: 'priority', type: 'int', default: 1 },
  ],
});

/** A registry stand-in: schema ids 1 (intake), 2 (older intake), 3 (audit); 500 means outage. */
function fakeRegistry(options: { down?: boolean; registered?: boolean } = {}): SchemaRegistry {
  const types = new Map<number, Type>([
    [1, intakeType],
    [2, olderType],
    [3, auditType],
  ]);
  const answer = (status: number) => Object.assign(new Error(`status ${status}`), { status });
  return {
    getSchema: async (id: number) => {
      if (options.down) throw answer(400);
      const type = types.get(id);
      if (!type) throw answer(404);
      return type;
    },
    getRegistryIdBySchema: async () => {
      if (options.down) throw answer(503);
      if (options.registered === false)
        throw Object.assign(new Error('not found'), { name: 'ConfluentSchemaRegistryError' });
      return 1;
    },
  } as unknown as SchemaRegistry;
}

const task = {
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
};

function serde(options: Parameters<typeof fakeRegistry>[0] = {}, maxValueBytes = 4_096): AvroSerde {
  return new AvroSerde({
    registryUrl: 'http://registry.invalid',
    layout,
    registry: fakeRegistry(options),
    maxValueBytes,
  });
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<DsrError> {
  let caught: unknown;
  await promise.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof DsrError, `expected a DsrError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (message) assert.match(caught.message, message);
  return caught;
}

describe('AvroSerde.decode', () => {
  it('when a record was written with the current schema, returns it with its schema id', async () => {
    const decoded = await serde().decode(INTAKE, writeWireRecord(1, intakeType.toBuffer(task)));
    assert.deepEqual({ ...(decoded.value as object) }, task);
    assert.equal(decoded.schemaId, 1);
  });

  it('when a record was written with an older compatible schema, fills the defaults', async () => {
    const old = {
      request_id: 'r',
      subject_email: 'a@example.test',
      action: 'deletion',
      source_system: 'crm',
      priority: 2,
    };
    const { value } = await serde().decode<typeof task>(
      INTAKE,
      writeWireRecord(2, olderType.toBuffer(old)),
    );
    assert.equal(value.action, 'deletion');
    assert.equal(value.jurisdiction, null);
    assert.equal(value.changes, null);
  });

  it('when the schema id is not in the registry, throws DECODE_UNKNOWN_SCHEMA_ID', async () => {
    const error = await rejectsWith(
      serde().decode(INTAKE, writeWireRecord(99, intakeType.toBuffer(task))),
      'DECODE_UNKNOWN_SCHEMA_ID',
      /schema id 99 is not in the registry/,
    );
    assert.equal(error.category, 'invalid_input');
  });

  it('when the registry cannot be reached, throws the transient REGISTRY_UNREACHABLE', async () => {
    const error = await rejectsWith(
      serde({ down: true }).decode(INTAKE, writeWireRecord(1, intakeType.toBuffer(task))),
      'REGISTRY_UNREACHABLE',
    );
    assert.equal(error.retriable, true);
  });

  it('when the record was written with an unrelated schema, throws DECODE_SCHEMA_MISMATCH', async () => {
    const audit = auditType.random();
    await rejectsWith(
      serde().decode(INTAKE, writeWireRecord(3, auditType.toBuffer(audit))),
      'DECODE_SCHEMA_MISMATCH',
      /dsr\.v1\.AuditEvent\) cannot be read as intake-task\.avsc/,
    );
  });

  it('when the body ends early, throws DECODE_TRUNCATED', async () => {
    const body = intakeType.toBuffer(task);
    await rejectsWith(
      serde().decode(INTAKE, writeWireRecord(1, body.subarray(0, body.length - 4))),
      'DECODE_TRUNCATED',
    );
  });

  it('when the body has trailing bytes or an impossible enum index, throws DECODE_MALFORMED_AVRO', async () => {
    const body = intakeType.toBuffer(task);
    await rejectsWith(
      serde().decode(INTAKE, writeWireRecord(1, Buffer.concat([body, Buffer.from([1])]))),
      'DECODE_MALFORMED_AVRO',
    );
    const str = avro.Type.forSchema('string');
    const badEnum = Buffer.concat([
      str.toBuffer('r'),
      str.toBuffer('a@b.co'),
      Buffer.from([18]),
      str.toBuffer('crm'),
      Buffer.from([2, 0, 0, 0, 0, 0]),
    ]);
    await rejectsWith(serde().decode(INTAKE, writeWireRecord(1, badEnum)), 'DECODE_MALFORMED_AVRO');
  });

  it('when the value is empty, oversize or lacks the magic byte, throws the wire-format code', async () => {
    await rejectsWith(serde().decode(INTAKE, null), 'DECODE_EMPTY_VALUE');
    await rejectsWith(
      serde({}, 16).decode(INTAKE, writeWireRecord(1, intakeType.toBuffer(task))),
      'DECODE_RECORD_TOO_LARGE',
    );
    await rejectsWith(serde().decode(INTAKE, Buffer.from('plain text')), 'DECODE_BAD_MAGIC_BYTE');
  });

  it('when given random bytes, always throws a DECODE_* DsrError and never anything else', async () => {
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % 256;
    for (let i = 0; i < 300; i += 1) {
      const value = Buffer.from(Array.from({ length: 1 + (i % 60) }, next));
      if (i % 2 === 0) value[0] = 0;
      if (i % 4 === 0 && value.length >= 5) value.writeInt32BE(1, 1);
      const error = await serde()
        .decode(INTAKE, value)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      if (error === undefined) continue;
      assert.ok(
        error instanceof DsrError && error.code.startsWith('DECODE_'),
        `case ${i}: ${String(error)}`,
      );
    }
  });

  it('when the topic is not in the layout, throws CONFIG_INVALID', async () => {
    await rejectsWith(
      serde().decode('elsewhere', Buffer.from([0, 0, 0, 0, 1])),
      'CONFIG_INVALID',
      /topic elsewhere is not part of the topic layout/,
    );
  });
});

describe('AvroSerde.encode', () => {
  it('when the value fits, writes the wire format with the registered id', async () => {
    const value = await serde().encode(INTAKE, task);
    assert.equal(value[0], 0);
    assert.equal(value.readInt32BE(1), 1);
    assert.deepEqual({ ...(intakeType.fromBuffer(value.subarray(5)) as object) }, task);
  });

  it('when the value does not fit, throws ENCODE_INVALID_VALUE naming the fields, not the values', async () => {
    const error = await rejectsWith(
      serde().encode(INTAKE, { ...task, subject_email: 42, action: 'erase' }),
      'ENCODE_INVALID_VALUE',
    );
    assert.match(error.message, /at: subject_email, action$/);
    assert.equal(error.category, 'internal');
  });

  it('when the schema is not registered under the subject, throws SCHEMA_NOT_REGISTERED', async () => {
    await rejectsWith(
      serde({ registered: false }).encode(INTAKE, task),
      'SCHEMA_NOT_REGISTERED',
      /intake-task\.avsc is not registered under dsr\.intake-value/,
    );
  });

  it('when the registry is down, throws REGISTRY_UNREACHABLE and tries again next time', async () => {
    await rejectsWith(serde({ down: true }).encode(INTAKE, task), 'REGISTRY_UNREACHABLE');
  });
});
