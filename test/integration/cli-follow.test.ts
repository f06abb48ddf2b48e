import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AuditEvent, TopicLayout } from '@dsr/shared';
import { isolatedTopics, uniqueName } from '../support/environment';
import { linesOf, runDsr } from '../support/run-dsr';
import { produceEncoded } from '../support/topic-records';

function auditEvent(requestId: string, stage: string, at: number, extra: Partial<AuditEvent> = {}) {
  const event: AuditEvent = {
    event_id: randomUUID(),
    occurred_at: at,
    service: 'poller',
    stage,
    request_id: requestId,
    subject_key: 'f'.repeat(64),
    trace_id: 'trace-1',
    lane: 'high',
    source_system: 'crm',
    action: 'deletion',
    attempt: null,
    reason_code: null,
    detail: null,
    result_digest: null,
    result_bytes: null,
    coordinates: null,
    ...extra,
  };
  return { key: requestId, value: event };
}

async function writeTrail(layout: TopicLayout, requestId: string, stages: readonly string[]) {
  const start = Date.parse('2026-01-01T10:00:00Z');
  const entries = stages.map((stage, i) => auditEvent(requestId, stage, start + i * 1000));
  await produceEncoded(layout, layout.topics.audit, entries);
}

describe('dsr follow', () => {
  it("prints a request's audit trail in order, and only that request's", async (t) => {
    const layout = await isolatedTopics(t, { partitions: 2 });
    const id = uniqueName('req');
    await writeTrail(layout, uniqueName('other'), ['received', 'validated']);
    await writeTrail(layout, id, [
      'received',
      'validated',
      'routed',
      'attempt_started',
      'succeeded',
    ]);

    const run = await runDsr(['follow', id], { layout });

    assert.equal(run.code, 0, run.stderr);
    const stages = linesOf(run.stdout).map((line) => line.split(/\s+/)[2]);
    assert.deepEqual(stages, ['received', 'validated', 'routed', 'attempt_started', 'succeeded']);
    assert.match(
      linesOf(run.stdout)[0]!,
      /^2026-01-01T10:00:00.000Z  poller\s+received\s+lane=high/,
    );
    assert.match(run.stderr, /5 event\(s\); outcome succeeded/);
  });

  it('prints the events as JSON lines when asked', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const id = uniqueName('req');
    await writeTrail(layout, id, ['received', 'quarantined']);

    const run = await runDsr(['follow', id, '--json'], { layout });

    assert.equal(run.code, 0, run.stderr);
    const events = linesOf(run.stdout).map((line) => JSON.parse(line) as AuditEvent);
    assert.deepEqual(
      events.map((e) => [e.request_id, e.stage]),
      [
        [id, 'received'],
        [id, 'quarantined'],
      ],
    );
  });

  it('exits 4 when the audit topic holds nothing for the request', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    await writeTrail(layout, uniqueName('other'), ['received']);

    const run = await runDsr(['follow', 'req-unknown'], { layout });

    assert.equal(run.code, 4);
    assert.match(run.stderr, /NOT_FOUND: no audit events for request req-unknown/);
  });

  it('with --wait, keeps reading until the request reaches an outcome', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const id = uniqueName('req');
    await writeTrail(layout, id, ['received', 'validated']);

    const running = runDsr(['follow', id, '--wait', '--timeout', '60'], { layout });
    await writeTrail(layout, id, ['routed', 'dead_lettered']);
    const run = await running;

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /4 event\(s\); outcome dead_lettered/);
  });

  it('with --wait, exits 7 when no outcome comes in time', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const id = uniqueName('req');
    await writeTrail(layout, id, ['received']);

    const run = await runDsr(['follow', id, '--wait', '--timeout', '3'], { layout });

    assert.equal(run.code, 7);
    assert.match(run.stderr, /WAIT_TIMED_OUT: request .* reached no outcome in time/);
  });

  it('refuses a timeout that is not a positive number', async () => {
    const run = await runDsr(['follow', 'req-1', '--wait', '--timeout', 'soon']);

    assert.equal(run.code, 2);
    assert.match(run.stderr, /--timeout must be a positive number of seconds, got "soon"/);
  });
});
