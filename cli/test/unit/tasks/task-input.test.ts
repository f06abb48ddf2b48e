import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DsrError } from '@dsr/shared';
import { parseTaskInput } from '../../../src/tasks/task-input';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('task input', () => {
  it('fills the request id and receipt time, and defaults the priority', () => {
    const task = parseTaskInput(
      { subject_email: 'a@example.test', action: 'access', source_system: 'crm' },
      'arguments',
      NOW,
    );

    assert.match(task.request_id, /^req-[0-9a-f-]{36}$/);
    assert.equal(task.received_at, NOW);
    assert.equal(task.priority, 1);
    assert.equal(task.deadline, null);
  });

  it('reads times as ISO 8601 or epoch milliseconds', () => {
    const base = { subject_email: 'a@example.test', action: 'deletion', source_system: 'crm' };

    const iso = parseTaskInput({ ...base, deadline: '2026-04-01T00:00:00+02:00' }, 'x', NOW);
    const date = parseTaskInput({ ...base, deadline: '2026-04-01' }, 'x', NOW);
    const epoch = parseTaskInput({ ...base, deadline: 1_775_000_000_000 }, 'x', NOW);

    assert.equal(iso.deadline, Date.parse('2026-03-31T22:00:00Z'));
    assert.equal(date.deadline, Date.parse('2026-04-01T00:00:00Z'));
    assert.equal(epoch.deadline, 1_775_000_000_000);
  });

  it('names every broken field and where it came from, without repeating values', () => {
    const raw = {
      subject_email: 'secret@example.test',
      action: 'erase',
      priority: 1.5,
      extra: true,
    };

    assert.throws(
      () => parseTaskInput(raw, 'tasks.ndjson:7', NOW),
      (error: unknown) => {
        assert.ok(error instanceof DsrError);
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.equal(error.category, 'invalid_input');
        assert.match(error.message, /^tasks\.ndjson:7: /);
        assert.match(error.message, /action: must be one of access, deletion, rectification/);
        assert.match(error.message, /source_system: /);
        assert.match(error.message, /priority: /);
        assert.match(error.message, /\(task\): unknown field\(s\) extra/);
        assert.doesNotMatch(error.message, /secret@example/);
        return true;
      },
    );
  });

  it('refuses a time that is neither epoch milliseconds nor ISO 8601', () => {
    const raw = {
      subject_email: 'a@example.test',
      action: 'access',
      source_system: 'crm',
      deadline: 'soon',
    };

    assert.throws(
      () => parseTaskInput(raw, 'arguments', NOW),
      /deadline: must be epoch milliseconds or an ISO 8601 time/,
    );
  });
});
