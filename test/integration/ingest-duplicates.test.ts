import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent, RoutedTask } from '@dsr/shared';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import { serviceNames, startIngest } from '../support/ingest-router-fixtures';
import {
  countBy,
  decodeAll,
  intakeTask,
  produceRaw,
  tapTopic,
  testSerde,
} from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

test('ingest: a request id accepted before a restart is still recognised as a duplicate after it, on any partition', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const tasks = Array.from({ length: 20 }, (_, i) =>
    intakeTask({ subject_email: `dup-${i}@example.test` }),
  );
  const encoded = await Promise.all(tasks.map((task) => serde.encode(layout.topics.intake, task)));
  const validated = await tapTopic(t, layout.topics.validated);
  const audit = await tapTopic(t, layout.topics.audit);

  const first = await startIngest(t, layout, databaseUrl, names);
  await produceRaw(
    t,
    layout.topics.intake,
    encoded.map((value, i) => ({ key: `first-${i}`, value })),
  );
  await waitFor(() => validated.messages.length >= tasks.length, {
    description: 'the first copies',
  });
  await first.close();

  // The resends use other keys, so most land on another intake partition than their original.
  await startIngest(t, layout, databaseUrl, names);
  await produceRaw(
    t,
    layout.topics.intake,
    encoded.map((value, i) => ({ key: `resend-${i}`, value })),
  );
  const duplicates = async () =>
    (await decodeAll<AuditEvent>(serde, layout.topics.audit, audit)).filter(
      (e) => e.stage === 'duplicate',
    );
  await waitFor(async () => (await duplicates()).length >= tasks.length, {
    description: 'a duplicate event per resend',
  });

  const counts = countBy(
    await decodeAll<RoutedTask>(serde, layout.topics.validated, validated),
    (v) => v.request_id,
  );
  for (const task of tasks)
    assert.equal(counts.get(task.request_id), 1, `${task.request_id} validated once`);
  assert.equal(validated.messages.length, tasks.length);
  const events = await duplicates();
  assert.deepEqual(
    new Set(events.map((e) => e.request_id)),
    new Set(tasks.map((task) => task.request_id)),
  );
  assert.ok(
    events.every(
      (e) =>
        e.reason_code === 'DUPLICATE_REQUEST_ID' && /already accepted from/.test(e.detail ?? ''),
    ),
  );
});
