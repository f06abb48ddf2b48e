import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert, QuarantineRecord, RoutedTask } from '@dsr/shared';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import { serviceNames, startIngest, startRouter } from '../support/ingest-router-fixtures';
import {
  decodeAll,
  intakeTask,
  produceRaw,
  tapTopic,
  testSerde,
} from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

test('router: an undecodable record on the validated topic is quarantined with a critical alert, and routing goes on', async (t) => {
  const layout = await isolatedTopics(t, { partitions: 1 });
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const garbage = Buffer.from('not a routed task');
  const after = intakeTask({ subject_email: 'after-garbage@example.test', priority: 9 });

  const high = await tapTopic(t, layout.topics.tasksHigh);
  const quarantine = await tapTopic(t, layout.topics.quarantine);
  const alerts = await tapTopic(t, layout.topics.alerts);
  await produceRaw(t, layout.topics.validated, [{ key: 'x', value: garbage }]);
  await startRouter(t, layout, databaseUrl, names);
  await startIngest(t, layout, databaseUrl, names);
  await produceRaw(t, layout.topics.intake, [
    { key: after.request_id, value: await serde.encode(layout.topics.intake, after) },
  ]);

  await waitFor(() => quarantine.messages.length >= 1 && high.messages.length >= 1, {
    description: 'the garbage quarantined and the next task routed',
  });
  const [record] = await decodeAll<QuarantineRecord>(serde, layout.topics.quarantine, quarantine);
  assert.deepEqual(record?.reason_codes, ['DECODE_BAD_MAGIC_BYTE']);
  assert.deepEqual(record?.original, garbage);
  assert.equal(record?.topic, layout.topics.validated);
  const [routed] = await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, high);
  assert.equal(routed?.request_id, after.request_id);
  await waitFor(() => alerts.messages.length >= 1, { description: 'the alert' });
  const [alert] = await decodeAll<Alert>(serde, layout.topics.alerts, alerts);
  assert.equal(alert?.severity, 'critical');
  assert.equal(alert?.service, 'router');
});
