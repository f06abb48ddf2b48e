import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAuditEvent, type Alert, type AuditEvent, type RoutedTask } from '@dsr/shared';
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

test('router: a deletion waits for an earlier access of the same subject and source, and is routed once when it finishes', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const email = 'held-subject@example.test';
  const access = intakeTask({ subject_email: email, action: 'access', source_system: 'crm' });
  const deletion = intakeTask({
    subject_email: ` ${email.toUpperCase()} `,
    action: 'deletion',
    source_system: 'crm',
  });
  const otherSource = intakeTask({
    subject_email: email,
    action: 'deletion',
    source_system: 'billing',
  });
  const laterAccess = intakeTask({ subject_email: email, action: 'access', source_system: 'crm' });

  const high = await tapTopic(t, layout.topics.tasksHigh);
  const standard = await tapTopic(t, layout.topics.tasksStandard);
  const audit = await tapTopic(t, layout.topics.audit);
  await startIngest(t, layout, databaseUrl, names);
  await startRouter(t, layout, databaseUrl, names);
  // One key, one intake partition: the four tasks reach the router in this order.
  await produceRaw(
    t,
    layout.topics.intake,
    await Promise.all(
      [access, deletion, otherSource, laterAccess].map(async (task) => ({
        key: 'same-upstream-key',
        value: await serde.encode(layout.topics.intake, task),
      })),
    ),
  );

  const events = async () => decodeAll<AuditEvent>(serde, layout.topics.audit, audit);
  await waitFor(
    async () =>
      (await events()).some((e) => e.stage === 'held' && e.request_id === deletion.request_id),
    {
      description: 'the deletion to be held',
    },
  );
  await waitFor(() => standard.messages.length >= 2 && high.messages.length >= 1, {
    description: 'both accesses and the other-source deletion to be routed',
  });
  const routedHigh = await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, high);
  assert.deepEqual(
    routedHigh.map((r) => r.request_id),
    [otherSource.request_id],
    'only the other source deletion runs',
  );

  // The poller's outcome for the later access must not release it; the earlier one's must.
  const outcome = (requestId: string) =>
    serde.encode(
      layout.topics.audit,
      createAuditEvent({
        service: 'poller',
        stage: 'succeeded',
        request_id: requestId,
        action: 'access',
      }),
    );
  await produceRaw(t, layout.topics.audit, [
    { key: laterAccess.request_id, value: await outcome(laterAccess.request_id) },
  ]);
  await produceRaw(t, layout.topics.audit, [
    { key: access.request_id, value: await outcome(access.request_id) },
  ]);

  await waitFor(() => high.messages.length >= 2, {
    description: 'the held deletion to be released',
  });
  await waitFor(async () => (await events()).some((e) => e.stage === 'released'), {
    description: 'the release audit',
  });
  const released = await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, high);
  assert.deepEqual(
    released.map((r) => r.request_id),
    [otherSource.request_id, deletion.request_id],
  );
  assert.equal(released[1]?.lane, 'high');
  assert.equal(released[1]?.subject_email, email.toUpperCase(), 'the held task comes back intact');
  const stages = (await events())
    .filter((e) => e.request_id === deletion.request_id)
    .map((e) => e.stage);
  assert.deepEqual(
    stages.filter((s) => s !== 'received' && s !== 'validated'),
    ['held', 'released', 'routed'],
  );
});

test('router: a deletion held for an access that never reports an outcome is released when the hold expires, with an alert', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const access = intakeTask({ subject_email: 'stuck@example.test', action: 'access' });
  const deletion = intakeTask({ subject_email: 'stuck@example.test', action: 'deletion' });

  const high = await tapTopic(t, layout.topics.tasksHigh);
  const alerts = await tapTopic(t, layout.topics.alerts);
  const audit = await tapTopic(t, layout.topics.audit);
  await startIngest(t, layout, databaseUrl, names);
  await startRouter(t, layout, databaseUrl, names, { maxHoldMs: 2_000, holdCheckIntervalMs: 200 });
  await produceRaw(
    t,
    layout.topics.intake,
    await Promise.all(
      [access, deletion].map(async (task) => ({
        key: 'k',
        value: await serde.encode(layout.topics.intake, task),
      })),
    ),
  );
  const events = async () => decodeAll<AuditEvent>(serde, layout.topics.audit, audit);
  await waitFor(async () => (await events()).some((e) => e.stage === 'held'), {
    description: 'the deletion to be held',
  });

  // Expired holds are looked for as audit records flow; the poller's progress events drive it.
  const progress = async () =>
    produceRaw(t, layout.topics.audit, [
      {
        key: access.request_id,
        value: await serde.encode(
          layout.topics.audit,
          createAuditEvent({
            service: 'poller',
            stage: 'job_polled',
            request_id: access.request_id,
          }),
        ),
      },
    ]);
  await waitFor(
    async () => {
      await progress();
      return high.messages.length >= 1;
    },
    { timeoutMs: 30_000, intervalMs: 500, description: 'the expired hold to be released' },
  );

  const routed = await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, high);
  assert.deepEqual(
    routed.map((r) => r.request_id),
    [deletion.request_id],
  );
  await waitFor(() => alerts.messages.length >= 1, { description: 'the hold-expired alert' });
  const [alert] = await decodeAll<Alert>(serde, layout.topics.alerts, alerts);
  assert.equal(alert?.kind, 'hold_expired');
  assert.equal(alert?.request_id, deletion.request_id);
  const released = (await events()).filter((e) => e.stage === 'released');
  assert.deepEqual(
    released.map((e) => [e.request_id, e.reason_code]),
    [[deletion.request_id, 'HOLD_EXPIRED']],
  );
});
