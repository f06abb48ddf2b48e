import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutedTask } from '@dsr/shared';
import {
  deadLetter,
  produceDeadLetters,
  routedTask,
  startAuditor,
  waitForStored,
} from '../support/dlq-auditor';

const DAY_MS = 86_400_000;

describe('dlq-auditor: retention by crypto-shredding', () => {
  it('destroys the data key of a record past retention, keeps its audit fields, and the chain still verifies', async (t) => {
    const harness = await startAuditor(t);
    const longAgo = Date.now() - 800 * DAY_MS;
    const expired = routedTask({ received_at: longAgo - 60_000, deadline: longAgo + 30 * DAY_MS });
    const current = routedTask();
    await produceDeadLetters(harness.layout, [
      deadLetter(expired, { dead_lettered_at: longAgo }),
      deadLetter(current),
    ]);
    await waitForStored(harness, 2);
    const listed = await harness.api('viewer', 'GET', '/v1/records');
    const positionOf = (task: RoutedTask) =>
      listed.body.records.find((r: { requestId: string }) => r.requestId === task.request_id)
        .position as string;
    const [oldPosition, newPosition] = [positionOf(expired), positionOf(current)];
    assert.equal(
      (await harness.api('privacy_officer', 'GET', `/v1/records/${oldPosition}/personal`)).status,
      200,
    );

    const run = await harness.api('privacy_officer', 'POST', '/v1/retention/run', {});

    assert.equal(run.status, 200);
    assert.deepEqual(run.body.shreddedPositions, [oldPosition]);
    const gone = await harness.api('privacy_officer', 'GET', `/v1/records/${oldPosition}/personal`);
    assert.equal(gone.status, 410);
    assert.deepEqual(gone.body.error, {
      code: 'RECORD_SHREDDED',
      message: 'the data key of this record was destroyed',
    });
    const kept = await harness.api('privacy_officer', 'GET', `/v1/records/${newPosition}/personal`);
    assert.equal(kept.body.personal.task.subject_email, current.subject_email);

    const verdict = await harness.api('auditor', 'POST', '/v1/chain/verify', {});
    assert.equal(verdict.body.intact, true);
    assert.equal(verdict.body.checked, 2);
    assert.deepEqual(verdict.body.keys, { shredded: 1, unaccounted: [] });

    const record = await harness.api('viewer', 'GET', `/v1/records/${oldPosition}`);
    assert.equal(record.body.record.shredded, true);
    assert.equal(record.body.record.requestId, expired.request_id);
    assert.equal(record.body.record.errorCode, 'SOURCE_REJECTED');
    const lookup = await harness.api('privacy_officer', 'POST', '/v1/subjects/lookup', {
      email: expired.subject_email,
    });
    assert.deepEqual(lookup.body.records, []);

    const keys = await harness.ownerQuery<{ position: string }>(
      `SELECT a.position FROM auditor.audit_record a
       JOIN auditor.data_key k ON k.id = a.data_key_id ORDER BY a.position`,
    );
    assert.deepEqual(
      keys.map((k) => k.position),
      [newPosition],
      'no wrapped key is left for the shredded record',
    );
    const shreds = await harness.ownerQuery<{ position: string }>(
      'SELECT position FROM auditor.shred_event',
    );
    assert.deepEqual(
      shreds.map((s) => s.position),
      [oldPosition],
    );
    const again = await harness.api('privacy_officer', 'POST', '/v1/retention/run', {});
    assert.deepEqual(again.body.shreddedPositions, []);
  });

  it('reports a data key destroyed outside the retention job', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);

    await harness.ownerQuery(`BEGIN;
      SET LOCAL session_replication_role = replica;
      DELETE FROM auditor.data_key;
      COMMIT;`);
    const verdict = await harness.api('auditor', 'POST', '/v1/chain/verify', {});

    assert.equal(verdict.body.intact, true, 'the chain itself does not cover keys');
    assert.deepEqual(verdict.body.keys, { shredded: 0, unaccounted: ['1'] });
  });

  it('refuses to destroy a data key within the retention period, even to the owner', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);

    await assert.rejects(harness.ownerQuery('DELETE FROM auditor.data_key'), {
      message: /is within its retention period/,
    });
    const [row] = await harness.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM auditor.data_key',
    );
    assert.equal(row?.n, 1);
  });
});
