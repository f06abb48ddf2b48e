import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role } from '@dsr/dlq-auditor';
import {
  deadLetter,
  produceDeadLetters,
  startAuditor,
  waitForStored,
  type AuditorHarness,
} from '../support/dlq-auditor';

interface Operation {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  allowed: readonly Role[];
}

const REPORT = { from: '2026-01-01', to: '2026-02-01', granularity: 'month', epsilon: '0.1' };

/** Every operation of the API and the roles that may perform it. */
const OPERATIONS: readonly Operation[] = [
  {
    name: 'list records',
    method: 'GET',
    path: '/v1/records',
    allowed: ['viewer', 'operator', 'privacy_officer', 'auditor'],
  },
  {
    name: 'read a record',
    method: 'GET',
    path: '/v1/records/1',
    allowed: ['viewer', 'operator', 'privacy_officer', 'auditor'],
  },
  {
    name: 'read personal data',
    method: 'GET',
    path: '/v1/records/1/personal',
    allowed: ['privacy_officer'],
  },
  {
    name: 'look up a subject',
    method: 'POST',
    path: '/v1/subjects/lookup',
    body: { email: 'x@example.test' },
    allowed: ['privacy_officer'],
  },
  {
    name: 'append a note',
    method: 'POST',
    path: '/v1/records/1/notes',
    body: { note: 'source owner contacted' },
    allowed: ['operator'],
  },
  {
    name: 'mark resolved',
    method: 'POST',
    path: '/v1/records/1/resolve',
    body: {},
    allowed: ['operator'],
  },
  {
    name: 'replay a record',
    method: 'POST',
    path: '/v1/records/1/replay',
    body: {},
    allowed: ['operator'],
  },
  {
    name: 'verify the chain',
    method: 'POST',
    path: '/v1/chain/verify',
    body: {},
    allowed: ['auditor'],
  },
  { name: 'read the access log', method: 'GET', path: '/v1/access-log', allowed: ['auditor'] },
  {
    name: 'run retention',
    method: 'POST',
    path: '/v1/retention/run',
    body: {},
    allowed: ['privacy_officer'],
  },
  {
    name: 'exact report',
    method: 'POST',
    path: '/v1/reports/exact',
    body: REPORT,
    allowed: ['auditor'],
  },
  {
    name: 'private report',
    method: 'POST',
    path: '/v1/reports/private',
    body: REPORT,
    allowed: ['viewer', 'operator', 'auditor'],
  },
];

const ROLES: readonly Role[] = ['viewer', 'operator', 'privacy_officer', 'auditor'];

async function accessLog(harness: AuditorHarness) {
  return harness.ownerQuery<{
    principal: string | null;
    role: string | null;
    operation: string;
    outcome: string;
    http_status: number | null;
  }>('SELECT principal, role, operation, outcome, http_status FROM auditor.access_log ORDER BY id');
}

describe('dlq-auditor: roles of the triage API', () => {
  it('allows each role its operations and refuses the others with 403, logging every refusal', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);

    for (const operation of OPERATIONS) {
      for (const role of ROLES) {
        const answer = await harness.api(role, operation.method, operation.path, operation.body);
        const label = `${role} → ${operation.name}`;
        if (operation.allowed.includes(role)) {
          assert.ok(answer.status >= 200 && answer.status < 300, `${label}: ${answer.status}`);
        } else {
          assert.equal(answer.status, 403, label);
          assert.equal(answer.body.error.code, 'FORBIDDEN', label);
        }
      }
    }

    const forbidden = (await accessLog(harness)).filter((e) => e.outcome === 'forbidden');
    const expected = OPERATIONS.reduce((n, op) => n + ROLES.length - op.allowed.length, 0);
    assert.equal(forbidden.length, expected);
    assert.ok(
      forbidden.every((e) => e.http_status === 403 && e.role !== null && e.principal !== null),
    );
  });

  it('answers 401 without a credential or with an unknown one, and logs both', async (t) => {
    const harness = await startAuditor(t);

    const none = await harness.api(null, 'GET', '/v1/records');
    const wrong = await fetch(`${harness.baseUrl}/v1/records/1/personal`, {
      headers: { 'x-api-key': 'not-a-key' },
    });
    const viaKey = await fetch(`${harness.baseUrl}/v1/records`, {
      headers: { 'x-api-key': harness.tokens.viewer },
    });

    assert.equal(none.status, 401);
    assert.deepEqual(none.body.error, {
      code: 'UNAUTHENTICATED',
      message: 'an API key or bearer token is required',
    });
    assert.equal(wrong.status, 401);
    assert.equal(viaKey.status, 200);
    const log = await accessLog(harness);
    assert.deepEqual(
      log
        .filter((e) => e.outcome === 'unauthenticated')
        .map((e) => [e.operation, e.http_status, e.principal]),
      [
        ['records:list', 401, null],
        ['records:personal', 401, null],
      ],
    );
  });

  it('writes every read of personal data to the access log with who and which record', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter(), deadLetter()]);
    await waitForStored(harness, 2);

    await harness.api('privacy_officer', 'GET', '/v1/records/2/personal');
    const entries = await harness.api('auditor', 'GET', '/v1/access-log');

    const reads = entries.body.entries.filter(
      (e: { operation: string }) => e.operation === 'records:personal',
    );
    assert.equal(reads.length, 1);
    assert.equal(reads[0].principal, 'privacy_officer-person');
    assert.equal(reads[0].position, '2');
    assert.equal(reads[0].outcome, 'allowed');
  });

  it('keeps triage as appended events: notes and resolution never change the record', async (t) => {
    const harness = await startAuditor(t);
    await produceDeadLetters(harness.layout, [deadLetter()]);
    await waitForStored(harness, 1);
    const [before] = await harness.ownerQuery<{ hash: Buffer }>(
      'SELECT hash FROM auditor.audit_record',
    );

    await harness.api('operator', 'POST', '/v1/records/1/notes', {
      note: 'source owner contacted',
    });
    await harness.api('operator', 'POST', '/v1/records/1/resolve', { note: 'fixed at the source' });
    const read = await harness.api('viewer', 'GET', '/v1/records/1');
    const missing = await harness.api('operator', 'POST', '/v1/records/99/notes', { note: 'x' });

    assert.equal(read.body.record.resolved, true);
    assert.deepEqual(
      read.body.events.map((e: { kind: string }) => e.kind),
      ['note', 'resolved'],
    );
    assert.equal(read.body.record.hash, before?.hash.toString('hex'));
    assert.equal(
      JSON.stringify(read.body).includes('@example.test'),
      false,
      'the viewer sees no email',
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
  });
});
