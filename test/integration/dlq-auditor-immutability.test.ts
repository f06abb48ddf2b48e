import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent } from '@dsr/shared';
import { DlqAuditor, verifyChain } from '@dsr/dlq-auditor';
import { Pool } from 'pg';
import {
  deadLetter,
  produceDeadLetters,
  queryAs,
  startAuditor,
  waitForStored,
} from '../support/dlq-auditor';
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

describe('dlq-auditor: immutable, hash-chained record store', () => {
  it('refuses UPDATE, DELETE and TRUNCATE by the service role on every append-only table', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);
    await harness.api('viewer', 'GET', '/v1/records');

    const attempts = [
      'UPDATE auditor.audit_record SET error_code = $$X$$',
      'DELETE FROM auditor.audit_record',
      'TRUNCATE auditor.audit_record',
      'UPDATE auditor.access_log SET outcome = $$allowed$$',
      'DELETE FROM auditor.access_log',
      'TRUNCATE auditor.access_log',
      'DELETE FROM auditor.data_key',
      'UPDATE auditor.data_key SET subject_key = NULL',
      'DELETE FROM auditor.privacy_ledger',
      'UPDATE auditor.policy SET retention_ms = 0',
    ];
    for (const sql of attempts) {
      await assert.rejects(queryAs(harness.serviceUrl, sql), { code: '42501' }, sql);
    }

    const [row] = await harness.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM auditor.audit_record',
    );
    assert.equal(row?.n, 1);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of records even to the owner while the triggers stand', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);

    for (const sql of [
      'UPDATE auditor.audit_record SET error_code = $$X$$',
      'DELETE FROM auditor.audit_record',
      'TRUNCATE auditor.audit_record CASCADE',
    ]) {
      await assert.rejects(harness.ownerQuery(sql), { message: /append-only/ }, sql);
    }
  });

  it('stores each record once, even when the whole topic is consumed again', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter(), deadLetter(), deadLetter()]);
    await waitForStored(harness, 3);

    // A second auditor on the same database with a new consumer group reads everything again,
    // as after a crash between the database commit and the offset commit.
    const again = new DlqAuditor({
      ...harness.options,
      groupId: `${harness.options.groupId}-again`,
    });
    t.after(() => again.close());
    await again.start();
    await waitFor(
      () => again.metrics.duplicatesSkipped.get().then((m) => (m.values[0]?.value ?? 0) >= 3),
      {
        description: 'the redelivered records to be recognised',
      },
    );

    const rows = await harness.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM auditor.audit_record',
    );
    assert.equal(rows[0]?.n, 3);
    assert.equal((await harness.api('auditor', 'POST', '/v1/chain/verify', {})).body.intact, true);
  });

  it('when a superuser alters a record, verify reports the break at that position', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(
      harness.layout,
      Array.from({ length: 5 }, () => deadLetter()),
    );
    await waitForStored(harness, 5);
    const before = await harness.api('auditor', 'POST', '/v1/chain/verify', {});
    assert.equal(before.body.intact, true);
    assert.equal(before.body.checked, 5);

    await harness.ownerQuery(`BEGIN;
      SET LOCAL session_replication_role = replica;
      UPDATE auditor.audit_record SET error_code = 'SOURCE_NOT_FOUND' WHERE position = 3;
      COMMIT;`);

    const after = await harness.api('auditor', 'POST', '/v1/chain/verify', {});
    assert.equal(after.status, 200);
    assert.equal(after.body.intact, false);
    assert.deepEqual(after.body.firstBreak, { position: '3', reason: 'content_hash_mismatch' });
    assert.equal(after.body.head.position, '2');

    const pool = new Pool({ connectionString: harness.serviceUrl });
    try {
      const verdict = await verifyChain(pool);
      assert.deepEqual(verdict.firstBreak, { position: '3', reason: 'content_hash_mismatch' });
    } finally {
      await pool.end();
    }
  });

  it('publishes the chain head to the audit topic', async (t) => {
    const harness = await startAuditor(t);
    const audit = await collectTopic<AuditEvent>(t, harness.layout, harness.layout.topics.audit);
    await produceDeadLetters(harness.layout, [deadLetter(), deadLetter()]);
    await waitForStored(harness, 2);

    const head = await harness.auditor.publishChainHead();

    const [event] = await waitFor(
      () => {
        const heads = audit.filter((r) => r.value.stage === 'chain_head');
        return heads.length > 0 && heads;
      },
      { description: 'a chain_head audit event' },
    );
    const [stored] = await harness.ownerQuery<{ hash: Buffer }>(
      'SELECT hash FROM auditor.audit_record WHERE position = 2',
    );
    assert.equal(head?.position, '2');
    assert.equal(event?.value.result_digest, stored?.hash.toString('hex'));
    assert.equal(event?.value.detail, 'position 2');
    assert.equal(await harness.auditor.publishChainHead(), null);
  });
});
