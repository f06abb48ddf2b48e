import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import { topicLayout } from '../../../src/kafka/topics';
import {
  readSchema,
  schemaFileForTopic,
  subjectsFor,
  TOPIC_SCHEMAS,
} from '../../../src/registry/schema-catalog';

interface Field {
  name: string;
  doc?: string;
  type: unknown;
  default?: unknown;
}

function fieldsOf(file: string): Field[] {
  return (JSON.parse(readSchema(file)) as { fields: Field[] }).fields;
}

describe('schema catalog', () => {
  const layout = topicLayout({ prefix: 'p.', retryDelaysMs: [1_000, 60_000] });

  it('maps every topic of the layout, retry tiers included, to a subject and a schema file', () => {
    const subjects = new Map(subjectsFor(layout).map((s) => [s.subject, s.file]));
    for (const topic of Object.values(layout.topics))
      assert.ok(subjects.has(`${topic}-value`), topic);
    assert.equal(subjects.get('p.dsr.retry.1s-value'), 'routed-task.avsc');
    assert.equal(subjects.get('p.dsr.retry.1m-value'), 'routed-task.avsc');
    assert.equal(subjects.get('p.dsr.tasks.high-value'), 'routed-task.avsc');
    assert.equal(subjects.get('p.dsr.dlq-value'), 'dead-letter-record.avsc');
    assert.equal(subjects.size, Object.keys(layout.topics).length + layout.retryTiers.length);
  });

  it('finds the schema of a physical topic and none for a foreign one', () => {
    assert.equal(schemaFileForTopic(layout, 'p.dsr.audit'), 'audit-event.avsc');
    assert.equal(schemaFileForTopic(layout, 'p.dsr.retry.1m'), 'routed-task.avsc');
    assert.equal(schemaFileForTopic(layout, 'dsr.audit'), undefined);
  });

  it('every schema parses, and every field of every schema is documented', () => {
    for (const file of new Set(Object.values(TOPIC_SCHEMAS))) {
      avro.Type.forSchema(JSON.parse(readSchema(file)));
      for (const field of fieldsOf(file))
        assert.ok(field.doc && field.doc.length > 0, `${file}: ${field.name}`);
    }
  });

  it('the intake task keeps exactly five required fields; every other field has a default', () => {
    const required = fieldsOf('intake-task.avsc')
      .filter((f) => !('default' in f))
      .map((f) => f.name);
    assert.deepEqual(required, ['request_id', 'subject_email', 'action', 'source_system']);
    assert.deepEqual(fieldsOf('intake-task.avsc').find((f) => f.name === 'priority')?.default, 1);
  });

  it('the dead-letter record embeds the routed task exactly as routed-task.avsc defines it', () => {
    const embedded = fieldsOf('dead-letter-record.avsc').find((f) => f.name === 'task')?.type;
    const routed = avro.Type.forSchema(JSON.parse(readSchema('routed-task.avsc')));
    assert.equal(
      avro.Type.forSchema(embedded as avro.Schema)
        .fingerprint('sha256')
        .toString('hex'),
      routed.fingerprint('sha256').toString('hex'),
    );
  });
});
