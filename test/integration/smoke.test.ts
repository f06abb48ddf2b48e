import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Client } from 'pg';
import { readSchema, valueSubject } from '@dsr/shared';
import { isolatedTopics, testEndpoints, testKafka, uniqueName } from '../support/environment';
import { waitFor } from '../support/wait-for';

test('the local stack: an Avro record goes through the registry to the broker and back', async (t) => {
  const layout = await isolatedTopics(t, { partitions: 1 });
  const registry = new SchemaRegistry({ host: testEndpoints().schemaRegistryUrl });
  const schemaId = await registry.getLatestSchemaId(valueSubject(layout.topics.intake));
  const task = {
    request_id: uniqueName('req'),
    subject_email: 'smoke@example.test',
    action: 'access',
    source_system: 'crm',
    priority: 3,
    jurisdiction: null,
    received_at: null,
    deadline: null,
    changes: null,
    trace_id: null,
  };

  const kafka = testKafka();
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  await producer.send({
    topic: layout.topics.intake,
    messages: [{ key: task.request_id, value: await registry.encode(schemaId, task) }],
  });

  const consumer = kafka.consumer({ groupId: uniqueName('smoke') });
  await consumer.connect();
  t.after(() => consumer.disconnect());
  await consumer.subscribe({ topic: layout.topics.intake, fromBeginning: true });
  const received: unknown[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(await registry.decode(message.value!));
    },
  });

  const [decoded] = await waitFor(() => received.length > 0 && received, {
    description: 'the smoke record to be consumed',
  });
  assert.deepEqual({ ...(decoded as object) }, task);
  assert.equal(readSchema('intake-task.avsc').includes('"IntakeTask"'), true);
});

test('the local stack: the database answers', async () => {
  const client = new Client({ connectionString: testEndpoints().databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]?.one, 1);
  } finally {
    await client.end();
  }
});
