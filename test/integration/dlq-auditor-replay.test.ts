import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent, RoutedTask } from '@dsr/shared';
import {
  deadLetter,
  produceDeadLetters,
  quarantineRecord,
  routedTask,
  startAuditor,
  waitForStored,
} from '../support/dlq-auditor';
import { collectTopic, produceEncoded } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

describe('dlq-auditor: replay', () => {
  it('puts a replayed task back on its lane as a fresh attempt and logs the replay', async (t) => {
    const harness = await startAuditor(t);
    const high = await collectTopic<RoutedTask>(t, harness.layout, harness.layout.topics.tasksHigh);
    const standard = await collectTopic<RoutedTask>(
      t,
      harness.layout,
      harness.layout.topics.tasksStandard,
    );
    const audit = await collectTopic<AuditEvent>(t, harness.layout, harness.layout.topics.audit);
    const urgent = routedTask({
      lane: 'high',
      attempt: 5,
      poll: { job_id: 'j1', submitted_at: 1, polls: 3, next_poll_at: 2 },
    });
    const routine = routedTask({ lane: 'standard', priority: 1 });
    await produceDeadLetters(harness.layout, [deadLetter(urgent), deadLetter(routine)]);
    await waitForStored(harness, 2);

    const listed = await harness.api('viewer', 'GET', '/v1/records');
    const positionOf = (task: RoutedTask) =>
      listed.body.records.find((r: { requestId: string }) => r.requestId === task.request_id)
        .position as string;
    const [first, second] = await Promise.all(
      [urgent, routine].map((task) =>
        harness.api('operator', 'POST', `/v1/records/${positionOf(task)}/replay`, {}),
      ),
    );

    assert.equal(first?.status, 202);
    assert.equal(first?.body.replayed.topic, harness.layout.topics.tasksHigh);
    assert.equal(second?.body.replayed.topic, harness.layout.topics.tasksStandard);
    const [landed] = await waitFor(() => high.length > 0 && high, {
      description: 'the replayed task on the high lane',
    });
    await waitFor(() => standard.length > 0, {
      description: 'the replayed task on the standard lane',
    });
    const plain = JSON.parse(JSON.stringify(landed?.value)) as RoutedTask;
    assert.deepEqual(plain, {
      ...urgent,
      attempt: 0,
      deferrals: 0,
      poll: null,
      not_before: null,
      replays: urgent.replays + 1,
    });
    assert.equal(landed?.key, urgent.subject_key);
    assert.equal(String(landed?.offset), first?.body.replayed.offset);

    const log = await harness.api('auditor', 'GET', '/v1/access-log');
    const replays = log.body.entries.filter(
      (e: { operation: string }) => e.operation === 'records:replay',
    );
    assert.deepEqual(replays.map((e: { position: string }) => e.position).sort(), ['1', '2']);
    assert.ok(
      replays.every(
        (e: { principal: string; outcome: string }) =>
          e.principal === 'operator-person' && e.outcome === 'allowed',
      ),
    );

    const record = await harness.api('viewer', 'GET', `/v1/records/${positionOf(urgent)}`);
    const [event] = record.body.events;
    assert.equal(event.kind, 'replayed');
    assert.equal(
      event.target,
      `${harness.layout.topics.tasksHigh}/${first?.body.replayed.partition}/${first?.body.replayed.offset}`,
    );
    await waitFor(
      () =>
        audit.some((e) => e.value.stage === 'replayed' && e.value.request_id === urgent.request_id),
      {
        description: 'the replay announced on the audit topic',
      },
    );
  });

  it('refuses to replay a quarantined record with 409', async (t) => {
    const harness = await startAuditor(t);
    await produceEncoded(harness.layout, harness.layout.topics.quarantine, [
      { key: 'q', value: quarantineRecord(Buffer.from('not avro')) },
    ]);
    await waitForStored(harness, 1);

    const answer = await harness.api('operator', 'POST', '/v1/records/1/replay', {});

    assert.equal(answer.status, 409);
    assert.deepEqual(answer.body.error, {
      code: 'RECORD_NOT_REPLAYABLE',
      message: 'record 1 is a quarantine record, not a dead letter',
    });
  });
});
