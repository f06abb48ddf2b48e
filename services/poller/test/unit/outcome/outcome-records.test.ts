import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicLayout, type AuditEvent, type DeadLetterRecord, type RoutedTask } from '@dsr/shared';
import type { Failure } from '../../../src/failure/classify-failure';
import { OutcomeRecords } from '../../../src/outcome/outcome-records';

const records = new OutcomeRecords(topicLayout({ prefix: 'u.' }));
const task = { request_id: 'r-1', lane: null, attempt: 1, deferrals: 0 } as unknown as RoutedTask;
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
});
