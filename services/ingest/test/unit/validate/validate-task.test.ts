import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subjectKey, type IntakeTask } from '@dsr/shared';
import {
  clampPriority,
  validateTask,
  type ValidationContext,
  type ValidationRules,
} from '../../../src/validate/validate-task';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const SECRET = 'unit-test-subject-key-secret-0123456789';

const rules: ValidationRules = {
  sourceSystems: new Set(['crm', 'billing']),
  jurisdictions: { GDPR: { months: 1 }, CCPA: { days: 45 } },
  defaultJurisdiction: 'GDPR',
  clockSkewMs: 300_000,
};

const ctx: ValidationContext = {
  nowMs: NOW,
  recordTimestampMs: NOW - 1_000,
  subjectKeySecret: SECRET,
  origin: { topic: 'dsr.intake', partition: 2, offset: '41' },
  newTraceId: () => 'generated-trace',
};

function task(overrides: Partial<IntakeTask> = {}): IntakeTask {
  return {
    request_id: 'req-1',
    subject_email: 'someone@example.test',
    action: 'access',
    source_system: 'crm',
    priority: 3,
    jurisdiction: null,
    received_at: null,
    deadline: null,
    changes: null,
    trace_id: null,
    ...overrides,
  };
}

function violations(overrides: Partial<IntakeTask>, context = ctx): string[] {
  const outcome = validateTask(task(overrides), rules, context);
  return outcome.ok ? [] : outcome.violations.map((v) => v.code);
}

function accepted(overrides: Partial<IntakeTask>, context = ctx) {
  const outcome = validateTask(task(overrides), rules, context);
  assert.ok(outcome.ok, outcome.ok ? '' : JSON.stringify(outcome.violations));
  return outcome.task;
}

describe('validateTask', () => {
  it('when the task is valid, builds the routed task with every computed field', () => {
    const routed = accepted({ subject_email: ' Someone@Example.test ' });
    assert.equal(routed.subject_email, 'Someone@Example.test');
    assert.equal(routed.subject_key, subjectKey('someone@example.test', SECRET));
    assert.equal(routed.jurisdiction, 'GDPR');
    assert.equal(routed.received_at, ctx.recordTimestampMs);
    assert.equal(routed.deadline_derived, true);
    assert.equal(routed.deadline_passed, false);
    assert.equal(routed.trace_id, 'generated-trace');
    assert.equal(routed.validated_at, NOW);
    assert.deepEqual(routed.origin, ctx.origin);
    assert.equal(routed.lane, null);
    assert.equal(routed.attempt, 0);
    assert.equal(routed.deferrals, 0);
  });

  describe('request id', () => {
    it('when empty, too long or not printable ASCII, gives VALIDATION_REQUEST_ID_INVALID', () => {
      assert.deepEqual(violations({ request_id: '' }), ['VALIDATION_REQUEST_ID_INVALID']);
      assert.deepEqual(violations({ request_id: 'r'.repeat(129) }), [
        'VALIDATION_REQUEST_ID_INVALID',
      ]);
      assert.deepEqual(violations({ request_id: 'has space' }), ['VALIDATION_REQUEST_ID_INVALID']);
      assert.deepEqual(violations({ request_id: 'ünïcode' }), ['VALIDATION_REQUEST_ID_INVALID']);
      assert.deepEqual(violations({ request_id: 'r'.repeat(128) }), []);
    });
  });

  describe('email', () => {
    it('when not a deliverable address, gives VALIDATION_EMAIL_INVALID and never echoes it', () => {
      const outcome = validateTask(task({ subject_email: 'secret-person.example' }), rules, ctx);
      assert.ok(!outcome.ok);
      assert.deepEqual(outcome.violations, [
        { code: 'VALIDATION_EMAIL_INVALID', detail: 'subject_email is not a valid email address' },
      ]);
    });
  });

  describe('source system', () => {
    it('when not configured, gives VALIDATION_SOURCE_SYSTEM_UNKNOWN', () => {
      assert.deepEqual(violations({ source_system: 'mainframe' }), [
        'VALIDATION_SOURCE_SYSTEM_UNKNOWN',
      ]);
      assert.deepEqual(violations({ source_system: 'CRM' }), ['VALIDATION_SOURCE_SYSTEM_UNKNOWN']);
    });

    it('echoes a well-formed unknown name but not a malformed one', () => {
      const named = validateTask(task({ source_system: 'mainframe' }), rules, ctx);
      const malformed = validateTask(task({ source_system: 'who is a@b.c' }), rules, ctx);
      assert.ok(!named.ok && !malformed.ok);
      assert.match(named.violations[0]!.detail, /"mainframe"/);
      assert.doesNotMatch(malformed.violations[0]!.detail, /a@b\.c/);
    });
  });

  describe('action-specific fields', () => {
    it('when a rectification has no changes, gives VALIDATION_CHANGES_MISSING', () => {
      assert.deepEqual(violations({ action: 'rectification', changes: null }), [
        'VALIDATION_CHANGES_MISSING',
      ]);
      assert.deepEqual(violations({ action: 'rectification', changes: {} }), [
        'VALIDATION_CHANGES_MISSING',
      ]);
    });

    it('when a rectification has bad field names, too many or too long values, gives VALIDATION_CHANGES_INVALID', () => {
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, 'v']));
      assert.deepEqual(violations({ action: 'rectification', changes: { 'no spaces': 'v' } }), [
        'VALIDATION_CHANGES_INVALID',
      ]);
      assert.deepEqual(
        violations({ action: 'rectification', changes: { ['f'.repeat(129)]: 'v' } }),
        ['VALIDATION_CHANGES_INVALID'],
      );
      assert.deepEqual(violations({ action: 'rectification', changes: many }), [
        'VALIDATION_CHANGES_INVALID',
      ]);
      assert.deepEqual(
        violations({ action: 'rectification', changes: { name: 'x'.repeat(4_097) } }),
        ['VALIDATION_CHANGES_INVALID'],
      );
    });

    it('when a rectification is well formed, keeps its changes', () => {
      assert.deepEqual(
        accepted({ action: 'rectification', changes: { 'address.city': 'Lyon' } }).changes,
        { 'address.city': 'Lyon' },
      );
    });

    it('when an access or deletion carries changes, gives VALIDATION_CHANGES_UNEXPECTED; an empty map is dropped', () => {
      assert.deepEqual(violations({ action: 'deletion', changes: { name: 'x' } }), [
        'VALIDATION_CHANGES_UNEXPECTED',
      ]);
      assert.equal(accepted({ action: 'access', changes: {} }).changes, null);
    });
  });

  describe('priority', () => {
    it('is clamped into 1..10, never refused', () => {
      assert.equal(accepted({ priority: -7 }).priority, 1);
      assert.equal(accepted({ priority: 0 }).priority, 1);
      assert.equal(accepted({ priority: 10 }).priority, 10);
      assert.equal(accepted({ priority: 2_147_483_647 }).priority, 10);
      assert.equal(clampPriority(5), 5);
    });
  });

  describe('jurisdiction and deadline', () => {
    it('derives one calendar month for GDPR and 45 days for CCPA from received_at', () => {
      const received = Date.parse('2026-05-31T09:00:00Z');
      assert.equal(
        accepted({ received_at: received }).deadline,
        Date.parse('2026-06-30T09:00:00Z'),
      );
      assert.equal(
        accepted({ received_at: received, jurisdiction: 'ccpa' }).deadline,
        received + 45 * DAY_MS,
      );
    });

    it('when the jurisdiction is unknown and no deadline is given, gives VALIDATION_JURISDICTION_UNKNOWN', () => {
      assert.deepEqual(violations({ jurisdiction: 'ATLANTIS' }), [
        'VALIDATION_JURISDICTION_UNKNOWN',
      ]);
    });

    it('when the task brings its own deadline, keeps it and any jurisdiction name', () => {
      const routed = accepted({ jurisdiction: 'LGPD', deadline: NOW + 10 * DAY_MS });
      assert.equal(routed.deadline, NOW + 10 * DAY_MS);
      assert.equal(routed.deadline_derived, false);
      assert.equal(routed.jurisdiction, 'LGPD');
    });

    it('when the deadline has already passed, accepts the task and flags it', () => {
      const routed = accepted({ received_at: NOW - 40 * DAY_MS });
      assert.equal(routed.deadline_passed, true);
    });

    it('when received_at is in the future beyond the skew or not after 1970, gives VALIDATION_RECEIVED_AT_INVALID', () => {
      assert.deepEqual(violations({ received_at: NOW + 600_000 }), [
        'VALIDATION_RECEIVED_AT_INVALID',
      ]);
      assert.deepEqual(violations({ received_at: 0 }), ['VALIDATION_RECEIVED_AT_INVALID']);
      assert.deepEqual(violations({ received_at: NOW + 60_000 }), []);
    });

    it('when the deadline lies before the receipt or not after 1970, gives VALIDATION_DEADLINE_INVALID', () => {
      assert.deepEqual(violations({ received_at: NOW - DAY_MS, deadline: NOW - 2 * DAY_MS }), [
        'VALIDATION_DEADLINE_INVALID',
      ]);
      assert.deepEqual(violations({ deadline: -1 }), ['VALIDATION_DEADLINE_INVALID']);
    });
  });

  describe('trace id', () => {
    it('keeps a given trace id, else the header one, else a generated one', () => {
      assert.equal(accepted({ trace_id: 'upstream-trace' }).trace_id, 'upstream-trace');
      assert.equal(
        accepted({}, { ...ctx, headerTraceId: 'header-trace' }).trace_id,
        'header-trace',
      );
      assert.equal(accepted({}).trace_id, 'generated-trace');
    });

    it('when malformed, gives VALIDATION_TRACE_ID_INVALID', () => {
      assert.deepEqual(violations({ trace_id: 'with space' }), ['VALIDATION_TRACE_ID_INVALID']);
      assert.deepEqual(violations({ trace_id: '' }), ['VALIDATION_TRACE_ID_INVALID']);
    });
  });

  it('reports every broken rule, not only the first', () => {
    assert.deepEqual(
      violations({ request_id: '', subject_email: 'x', source_system: 'nowhere', trace_id: ' ' }),
      [
        'VALIDATION_REQUEST_ID_INVALID',
        'VALIDATION_EMAIL_INVALID',
        'VALIDATION_SOURCE_SYSTEM_UNKNOWN',
        'VALIDATION_TRACE_ID_INVALID',
      ],
    );
  });
});
