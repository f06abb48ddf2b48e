import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { DlqAuditor, parseKeyring } from '@dsr/dlq-auditor';
import { subjectKey, type IntakeTask } from '@dsr/shared';
import {
  deadLetter,
  masterKey,
  produceDeadLetters,
  quarantineRecord,
  routedTask,
  startAuditor,
  waitForStored,
} from '../support/dlq-auditor';
import { intakeTask, TEST_SUBJECT_KEY_SECRET, testSerde } from '../support/pipeline-fixtures';
import { produceEncoded } from '../support/topic-records';
import { produceRaw } from '../support/pipeline-fixtures';
import { uniqueName } from '../support/environment';

const run = promisify(execFile);

describe('dlq-auditor: encryption at rest', () => {
  it('leaves the plaintext email of a dead-lettered subject nowhere in a dump of the database', async (t) => {
    const harness = await startAuditor(t);
    const email = `${uniqueName('dump-subject')}@example.test`;
    const task = routedTask({ subject_email: email, changes: { name: 'Ada Lovelace' } });
    const intake: IntakeTask = intakeTask({
      subject_email: email,
      action: 'access',
      source_system: 'unknown',
    });
    const original = await testSerde(harness.layout).encode(harness.layout.topics.intake, intake);
    await produceDeadLetters(harness.layout, [deadLetter(task)]);
    await produceEncoded(harness.layout, harness.layout.topics.quarantine, [
      { key: 'q', value: quarantineRecord(original) },
    ]);
    await waitForStored(harness, 2);
    await harness.api('privacy_officer', 'GET', '/v1/records/1/personal');

    const { stdout } = await run('pg_dump', ['--data-only', '--inserts', harness.ownerUrl], {
      maxBuffer: 64 * 1024 * 1024,
    });

    assert.ok(stdout.includes('INSERT INTO auditor.audit_record'), 'the dump holds the records');
    for (const needle of [
      email,
      email.toUpperCase(),
      'Ada Lovelace',
      Buffer.from(email).toString('hex'),
    ]) {
      assert.equal(stdout.includes(needle), false, 'personal data found in the dump');
    }
    assert.equal(
      stdout.includes(subjectKey(email, TEST_SUBJECT_KEY_SECRET)),
      true,
      'the keyed hash is stored',
    );
  });

  it('opens a record for the privacy officer and finds a subject by email without scanning', async (t) => {
    const harness = await startAuditor(t);
    const task = routedTask();
    const other = routedTask();
    await produceDeadLetters(harness.layout, [
      deadLetter(task),
      deadLetter(other),
      deadLetter(task),
    ]);
    await waitForStored(harness, 3);

    const lookup = await harness.api('privacy_officer', 'POST', '/v1/subjects/lookup', {
      email: task.subject_email,
    });
    assert.equal(lookup.status, 200);
    assert.equal(lookup.body.subjectKey, task.subject_key);
    assert.equal(lookup.body.records.length, 2);
    assert.ok(
      lookup.body.records.every((r: { requestId: string }) => r.requestId === task.request_id),
    );

    const position = lookup.body.records[0].position as string;
    const opened = await harness.api('privacy_officer', 'GET', `/v1/records/${position}/personal`);
    assert.equal(opened.status, 200);
    assert.equal(opened.body.personal.task.subject_email, task.subject_email);
    assert.equal(
      opened.body.personal.error_message,
      `crm refused the deletion of ${task.subject_email}`,
    );
  });

  it('finds a quarantined intake record by its subject when its bytes decode', async (t) => {
    const harness = await startAuditor(t);
    const intake = intakeTask({ subject_email: `${uniqueName('q-subject')}@example.test` });
    const original = await testSerde(harness.layout).encode(harness.layout.topics.intake, intake);
    await produceEncoded(harness.layout, harness.layout.topics.quarantine, [
      { key: 'q', value: quarantineRecord(original, { request_id: intake.request_id }) },
    ]);
    await waitForStored(harness, 1);

    const lookup = await harness.api('privacy_officer', 'POST', '/v1/subjects/lookup', {
      email: intake.subject_email.toUpperCase(),
    });
    const opened = await harness.api('privacy_officer', 'GET', '/v1/records/1/personal');

    assert.deepEqual(
      lookup.body.records.map((r: { kind: string }) => r.kind),
      ['quarantine'],
    );
    assert.deepEqual(Buffer.from(opened.body.personal.original, 'base64'), original);
    assert.equal(opened.body.record.detail, 'subject_email: not an email address');
  });

  it('after a master key rotation, seals new records under the new key and still opens old ones', async (t) => {
    const k1 = masterKey();
    const harness = await startAuditor(t, { masterKeys: `k1:${k1}` });
    const before = routedTask();
    await produceDeadLetters(harness.layout, [deadLetter(before)]);
    await waitForStored(harness, 1);
    await harness.auditor.close();

    const rotated = new DlqAuditor({
      ...harness.options,
      keyring: parseKeyring(`k1:${k1},k2:${masterKey()}`),
      api: { host: '127.0.0.1', port: 0 },
    });
    t.after(() => rotated.close());
    await rotated.start();
    const after = routedTask();
    await produceDeadLetters(harness.layout, [deadLetter(after)]);
    await waitForStored(harness, 2);

    const keys = await harness.ownerQuery<{ position: string; master_key_id: string }>(
      'SELECT position, master_key_id FROM auditor.audit_record ORDER BY position',
    );
    assert.deepEqual(
      keys.map((k) => k.master_key_id),
      ['k1', 'k2'],
    );
    const base = `http://127.0.0.1:${rotated.port}`;
    const token = harness.tokens.privacy_officer;
    for (const [position, task] of [
      ['1', before],
      ['2', after],
    ] as const) {
      const response = await fetch(`${base}/v1/records/${position}/personal`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { personal: { task: { subject_email: string } } };
      assert.equal(body.personal.task.subject_email, task.subject_email);
    }
  });

  it('keeps a dead letter that does not decode, sealed, with the decode error code', async (t) => {
    const harness = await startAuditor(t);
    const garbage = Buffer.from('{"subject_email":"raw@example.test"}');
    await produceRaw(t, harness.layout.topics.dlq, [{ key: 'k', value: garbage }]);
    await waitForStored(harness, 1);

    const record = await harness.api('viewer', 'GET', '/v1/records/1');
    const opened = await harness.api('privacy_officer', 'GET', '/v1/records/1/personal');

    assert.equal(record.body.record.kind, 'undecodable');
    assert.equal(record.body.record.errorCode, 'DECODE_BAD_MAGIC_BYTE');
    assert.deepEqual(Buffer.from(opened.body.personal.value, 'base64'), garbage);
  });
});
