import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { readSchema, valueSubject, type RoutedTask } from '@dsr/shared';
import {
  isolatedDatabase,
  isolatedTopics,
  testEndpoints,
  uniqueName,
} from '../support/environment';
import { olderIntakeSchema } from '../support/bad-intake-corpus';
import { serviceNames, startIngest } from '../support/ingest-router-fixtures';
import { decodeAll, produceRaw, tapTopic, testSerde } from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

test('ingest: a producer writing with an older compatible schema (the five required fields) is read with defaults', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const registry = new SchemaRegistry({ host: testEndpoints().schemaRegistryUrl });
  const subject = valueSubject(layout.topics.intake);

  // The registry accepts it as a new version of the intake subject only if it is compatible.
  const { id: olderId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(olderIntakeSchema()) },
    { subject },
  );
  const currentId = await registry.getRegistryIdBySchema(subject, {
    type: SchemaType.AVRO,
    schema: readSchema('intake-task.avsc'),
  });
  assert.notEqual(olderId, currentId, 'the older schema is a distinct version');

  const old = {
    request_id: uniqueName('req-old'),
    subject_email: 'old-producer@example.test',
    action: 'deletion',
    source_system: 'billing',
    priority: 0,
  };
  const value = await registry.encode(olderId, old);
  const validatedTap = await tapTopic(t, layout.topics.validated);
  await startIngest(t, layout, databaseUrl, serviceNames());
  await produceRaw(t, layout.topics.intake, [{ key: old.request_id, value }]);

  await waitFor(() => validatedTap.messages.length >= 1, {
    description: 'the old-schema task to be validated',
  });
  const [task] = await decodeAll<RoutedTask>(
    testSerde(layout),
    layout.topics.validated,
    validatedTap,
  );
  assert.equal(value.readInt32BE(1), olderId, 'written with the older schema id');
  assert.equal(task?.request_id, old.request_id);
  assert.equal(task?.action, 'deletion');
  assert.equal(task?.priority, 1, 'priority 0 clamped to 1');
  assert.equal(task?.jurisdiction, 'GDPR', 'the default jurisdiction');
  assert.equal(task?.deadline_derived, true);
  assert.equal(task?.changes, null);
  assert.match(task?.trace_id ?? '', /^[0-9a-f-]{36}$/, 'a trace id was generated');
});
