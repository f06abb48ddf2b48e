import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert, AuditEvent, QuarantineRecord, RoutedTask } from '@dsr/shared';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import { badIntakeCorpus } from '../support/bad-intake-corpus';
import {
  mixedTasks,
  serviceNames,
  startIngest,
  startRouter,
} from '../support/ingest-router-fixtures';
import {
  countBy,
  decodeAll,
  intakeTask,
  produceRaw,
  tapTopic,
  testSerde,
  uncommittedRecords,
  type RawRecord,
} from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

test('ingest and router: 1,000 mixed tasks reach the right lane once; 35 kinds of bad input are quarantined once with an alert', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const mixed = mixedTasks(1_000);
  const corpus = await badIntakeCorpus(serde, layout);
  const original = intakeTask({ subject_email: 'resend@example.test' });
  const reused = intakeTask({ subject_email: 'conflict-a@example.test' });
  const conflicting = { ...reused, subject_email: 'conflict-b@example.test' };
  assert.ok(corpus.length >= 30, `the corpus has ${corpus.length} kinds`);

  // Bad input is spread through the valid tasks so the consumers must keep going past it.
  const records: RawRecord[] = [];
  const step = Math.floor(mixed.length / corpus.length);
  for (const [i, { task }] of mixed.entries()) {
    records.push({ key: task.request_id, value: await serde.encode(layout.topics.intake, task) });
    const bad = i % step === 0 ? corpus[i / step] : undefined;
    if (bad) records.push({ key: bad.key, value: bad.value });
  }
  for (const task of [original, original, reused, conflicting]) {
    records.push({ key: task.request_id, value: await serde.encode(layout.topics.intake, task) });
  }

  const taps = {
    high: await tapTopic(t, layout.topics.tasksHigh),
    standard: await tapTopic(t, layout.topics.tasksStandard),
    quarantine: await tapTopic(t, layout.topics.quarantine),
    alerts: await tapTopic(t, layout.topics.alerts),
    audit: await tapTopic(t, layout.topics.audit),
  };
  await startIngest(t, layout, databaseUrl, names);
  await startRouter(t, layout, databaseUrl, names);
  await produceRaw(t, layout.topics.intake, records);

  const validCount = mixed.length + 2;
  await waitFor(
    async () =>
      taps.high.messages.length + taps.standard.messages.length >= validCount &&
      taps.quarantine.messages.length >= corpus.length + 1 &&
      (await uncommittedRecords(names.ingestGroup, layout.topics.intake)) === 0,
    {
      timeoutMs: 240_000,
      intervalMs: 1_000,
      description: 'every intake record to be consumed and routed or quarantined',
    },
  );

  const high = await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, taps.high);
  const standard = await decodeAll<RoutedTask>(serde, layout.topics.tasksStandard, taps.standard);
  const routedCount = countBy([...high, ...standard], (task) => task.request_id);
  const laneOf = new Map([...high, ...standard].map((r) => [r.request_id, r.lane] as const));
  assert.equal(high.length + standard.length, validCount, 'lane records');
  for (const { task, lane } of mixed) {
    assert.equal(routedCount.get(task.request_id), 1, `${task.request_id} routed once`);
    assert.equal(laneOf.get(task.request_id), lane, `${task.request_id} on ${lane}`);
  }
  assert.equal(routedCount.get(original.request_id), 1, 'a resent task is routed once');
  assert.equal(
    routedCount.get(reused.request_id),
    1,
    'of two tasks sharing a request id, one is routed',
  );
  assert.ok(high.every((r) => r.lane === 'high') && standard.every((r) => r.lane === 'standard'));

  const quarantined = await decodeAll<QuarantineRecord>(
    serde,
    layout.topics.quarantine,
    taps.quarantine,
  );
  const byKey = countBy(quarantined, (q) => q.key?.toString('utf8') ?? '');
  for (const bad of corpus) {
    const record = quarantined.find((q) => q.key?.toString('utf8') === bad.key);
    assert.equal(byKey.get(bad.key), 1, `${bad.kind} quarantined once`);
    assert.deepEqual(record?.reason_codes, bad.reasons, `${bad.kind} reason`);
    assert.deepEqual(
      record?.original ?? null,
      bad.value ?? Buffer.alloc(0),
      `${bad.kind} original bytes kept`,
    );
  }
  const conflict = quarantined.filter((q) => q.request_id === reused.request_id);
  assert.deepEqual(
    conflict.map((q) => q.reason_codes),
    [['REQUEST_ID_CONFLICT']],
  );
  assert.equal(quarantined.length, corpus.length + 1);

  await waitFor(() => taps.alerts.messages.length >= quarantined.length, {
    description: 'an alert per quarantine',
  });
  const alerts = await decodeAll<Alert>(serde, layout.topics.alerts, taps.alerts);
  const alertAt = new Set(
    alerts.map((a) => `${a.coordinates?.partition}/${a.coordinates?.offset}`),
  );
  for (const q of quarantined)
    assert.ok(alertAt.has(`${q.partition}/${q.offset}`), `alert for ${q.offset}`);

  const audit = await decodeAll<AuditEvent>(serde, layout.topics.audit, taps.audit);
  const stages = countBy(audit, (e) => `${e.stage}:${e.request_id}`);
  for (const { task } of mixed.slice(0, 100)) {
    for (const stage of ['received', 'validated', 'routed']) {
      assert.equal(
        stages.get(`${stage}:${task.request_id}`),
        1,
        `${stage} audited once for ${task.request_id}`,
      );
    }
  }
  assert.equal(
    stages.get(`duplicate:${original.request_id}`),
    1,
    'the resend is audited as a duplicate',
  );
});
