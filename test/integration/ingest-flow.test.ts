import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Alert, AuditEvent, QuarantineRecord, RoutedTask, TopicLayout } from '@dsr/shared';
import { IngestService, ingestConfigSchema } from '@dsr/ingest';
import {
  isolatedDatabase,
  isolatedTopics,
  testEndpoints,
  testKafka,
  testLogger,
  uniqueName,
} from '../support/environment';
import {
  TEST_SOURCE_SYSTEMS,
  TEST_SUBJECT_KEY_SECRET,
  decodeAll,
  intakeTask,
  produceRaw,
  tapTopic,
  testSerde,
} from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

async function startIngest(
  t: TestContext,
  layout: TopicLayout,
  databaseUrl: string,
): Promise<IngestService> {
  const ingest = new IngestService({
    kafka: testKafka(),
    layout,
    registryUrl: testEndpoints().schemaRegistryUrl,
    databaseUrl,
    config: ingestConfigSchema.parse({
      consumerGroup: uniqueName('ingest'),
      sourceSystems: TEST_SOURCE_SYSTEMS,
    }),
    subjectKeySecret: TEST_SUBJECT_KEY_SECRET,
    logger: testLogger('ingest'),
    transactionalIdPrefix: uniqueName('ingest-tx'),
  });
  t.after(() => ingest.close());
  await ingest.start();
  return ingest;
}

test('ingest: a valid task is validated once, a bad one is quarantined with an alert, both audited', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const good = intakeTask({ priority: 42, jurisdiction: 'ccpa' });
  const bad = intakeTask({ subject_email: 'not-an-email', source_system: 'nowhere' });

  await produceRaw(t, layout.topics.intake, [
    { value: await serde.encode(layout.topics.intake, good) },
    { value: await serde.encode(layout.topics.intake, bad) },
    { value: Buffer.from('{"request_id":"json"}') },
  ]);
  const validatedTap = await tapTopic(t, layout.topics.validated);
  const quarantineTap = await tapTopic(t, layout.topics.quarantine);
  const alertsTap = await tapTopic(t, layout.topics.alerts);
  const auditTap = await tapTopic(t, layout.topics.audit);
  await startIngest(t, layout, databaseUrl);

  await waitFor(
    () =>
      validatedTap.messages.length >= 1 &&
      quarantineTap.messages.length >= 2 &&
      auditTap.messages.length >= 6,
    {
      description: 'one validated, two quarantined, six audit events',
    },
  );
  const [validated] = await decodeAll<RoutedTask>(serde, layout.topics.validated, validatedTap);
  assert.equal(validated?.request_id, good.request_id);
  assert.equal(validated?.priority, 10);
  assert.equal(validated?.jurisdiction, 'CCPA');
  assert.equal(validated?.deadline, validated!.received_at + 45 * 86_400_000);

  const quarantined = await decodeAll<QuarantineRecord>(
    serde,
    layout.topics.quarantine,
    quarantineTap,
  );
  assert.deepEqual(quarantined.map((q) => q.reason_codes.join('+')).sort(), [
    'DECODE_BAD_MAGIC_BYTE',
    'VALIDATION_EMAIL_INVALID+VALIDATION_SOURCE_SYSTEM_UNKNOWN',
  ]);
  await waitFor(() => alertsTap.messages.length >= 2, { description: 'two alerts' });
  const alerts = await decodeAll<Alert>(serde, layout.topics.alerts, alertsTap);
  assert.deepEqual(alerts.map((a) => a.reason_code).sort(), [
    'DECODE_BAD_MAGIC_BYTE',
    'VALIDATION_EMAIL_INVALID',
  ]);
  const audit = await decodeAll<AuditEvent>(serde, layout.topics.audit, auditTap);
  assert.deepEqual(audit.map((a) => a.stage).sort(), [
    'quarantined',
    'quarantined',
    'received',
    'received',
    'received',
    'validated',
  ]);
});
