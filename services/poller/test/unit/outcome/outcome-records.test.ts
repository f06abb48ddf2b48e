import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  topicLayout,
  type Alert,
  type AuditEvent,
  type DeadLetterRecord,
  type RoutedTask,
} from '@dsr/shared';
import type { Failure } from '../../../src/failure/classify-failure';
import { OutcomeRecords } from '../../../src/outcome/outcome-records';

const records = new OutcomeRecords(topicLayout({ prefix: 'u.' }));
const task = {
  request_id: 'r-1',
  subject_email: 'ada@example.test',
  action: 'access',
  source_system: 'crm',
  lane: null,
  attempt: 1,
  deferrals: 0,
  deadline: 10_000,
  deadline_passed: false,
} as unknown as RoutedTask;
const at = (offset: number) => ({ topic: 'u.dsr.tasks.high', partition: 0, offset });
const failure: Failure = {
  code: 'SOURCE_REJECTED',
  category: 'permanent',
  breakerRefusal: false,
  retryAfterMs: undefined,
  message: 'source answered 422',
};
const eventId = (offset: number, stage: 'succeeded' | 'attempt_started' = 'succeeded') =>
  (records.audit(task, stage, at(offset), 0).value as AuditEvent).event_id;

describe('OutcomeRecords', () => {
  it('when the same record is executed again → its events carry the same ids', () => {
    assert.equal(eventId(7), eventId(7));
    const letter = () => records.deadLetter(task, failure, 1, at(7), 0).value as DeadLetterRecord;
    assert.equal(letter().dead_letter_id, letter().dead_letter_id);
  });

  it('when another record of the same request is executed (a hop, a replay) → the ids differ', () => {
    assert.notEqual(eventId(7), eventId(8));
    assert.notEqual(eventId(7, 'attempt_started'), eventId(7, 'succeeded'));
  });

  it('when a task has no lane yet → its dead letter falls back to the standard lane', () => {
    const letter = records.deadLetter(task, failure, 1, at(7), 0).value as DeadLetterRecord;
    assert.equal(letter.lane, 'standard');
    assert.match(
      letter.dead_letter_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('when a task is dead-lettered → its alert names request, code and record', () => {
    const record = records.deadLetterAlert(task, failure, 'SOURCE_REJECTED', at(7), 5);
    const alert = record.value as Alert;

    assert.deepEqual([record.topic, record.key], ['u.dsr.alerts', 'r-1']);
    assert.deepEqual(alert, {
      alert_id: alert.alert_id,
      occurred_at: 5,
      service: 'poller',
      severity: 'warning',
      kind: 'dead_letter',
      reason_code: 'SOURCE_REJECTED',
      summary: 'access task for source system crm dead-lettered after 1 attempt(s): SOURCE_REJECTED',
      request_id: 'r-1',
      coordinates: { topic: 'u.dsr.tasks.high', partition: 0, offset: '7' },
    });
    assert.doesNotMatch(JSON.stringify(alert), /ada@example|422/);
  });

  it('when the same record is dead-lettered again → its alert repeats its own id', () => {
    const alertId = (offset: number) =>
      (records.deadLetterAlert(task, failure, failure.code, at(offset), 0).value as Alert).alert_id;
    const letter = records.deadLetter(task, failure, 1, at(7), 0).value as DeadLetterRecord;

    assert.equal(alertId(7), alertId(7));
    assert.notEqual(alertId(7), alertId(8));
    assert.notEqual(alertId(7), letter.dead_letter_id);
  });

  it('when a deletion or a lost deadline is dead-lettered → the alert is critical', () => {
    const severity = (overrides: Partial<RoutedTask>, reasonCode: string, nowMs = 0) =>
      (records.deadLetterAlert({ ...task, ...overrides }, failure, reasonCode, at(7), nowMs)
        .value as Alert).severity;

    assert.equal(severity({}, 'SOURCE_REJECTED'), 'warning');
    assert.equal(severity({ action: 'rectification' }, 'RETRIES_EXHAUSTED'), 'warning');
    assert.equal(severity({ action: 'deletion' }, 'SOURCE_REJECTED'), 'critical');
    assert.equal(severity({}, 'SOURCE_REJECTED', 10_000), 'critical');
    assert.equal(severity({ deadline_passed: true }, 'SOURCE_REJECTED'), 'critical');
    assert.equal(severity({}, 'DEADLINE_EXCEEDED'), 'critical');
  });

  it('when the reason is not the error code → the summary names both', () => {
    const refusal: Failure = { ...failure, code: 'BREAKER_OPEN', breakerRefusal: true };
    const alert = records.deadLetterAlert(task, refusal, 'DEADLINE_EXCEEDED', at(7), 0)
      .value as Alert;

    assert.equal(alert.reason_code, 'BREAKER_OPEN');
    assert.match(
      alert.summary,
      /: BREAKER_OPEN \(DEADLINE_EXCEEDED\), refused by the open breaker$/,
    );
  });
});
