import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEvent } from '@dsr/shared';
import { OutcomeTracker } from '../../../src/demo/outcome-tracker';
import { buildSummary, percentile } from '../../../src/demo/summary';
import { planTraffic } from '../../../src/demo/traffic-plan';

function event(
  requestId: string,
  stage: string,
  at: number,
  extra: Partial<AuditEvent> = {},
): AuditEvent {
  return {
    event_id: `${requestId}-${stage}`,
    occurred_at: at,
    service: 'test',
    stage,
    request_id: requestId,
    subject_key: null,
    trace_id: null,
    lane: null,
    source_system: null,
    action: null,
    attempt: null,
    reason_code: null,
    detail: null,
    result_digest: null,
    result_bytes: null,
    coordinates: null,
    ...extra,
  };
}

describe('the demo summary', () => {
  it('takes the nearest-rank percentile', () => {
    const samples = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

    assert.equal(percentile(samples, 0.5), 50);
    assert.equal(percentile(samples, 0.9), 90);
    assert.equal(percentile(samples, 0.99), 100);
    assert.equal(percentile([], 0.5), 0);
  });

  it('matches when every task reached its planned outcome, and reports latency per lane', () => {
    const plan = planTraffic({ count: 20, runId: 'r', seed: 1, nowMs: 0 });
    const tracker = new OutcomeTracker(plan.map((p) => p.task.request_id));
    const submittedAt = new Map(plan.map((p) => [p.task.request_id, 1_000]));
    plan.forEach((p, i) => {
      const lane = i % 2 === 0 ? 'high' : 'standard';
      tracker.accept(event(p.task.request_id, 'routed', 1_100, { lane }));
      const reason = p.expected === 'dead_lettered' ? 'SOURCE_REJECTED' : null;
      tracker.accept(
        event(p.task.request_id, p.expected, 1_000 + (i + 1) * 100, { reason_code: reason }),
      );
    });

    const summary = buildSummary({
      plan,
      journeys: tracker.journeys(),
      submittedAt,
      store: null,
      elapsedMs: 1,
    });

    assert.equal(summary.matches, true);
    assert.equal(tracker.finished, true);
    assert.ok(
      summary.lines.includes('All 20 tasks accounted for, each with the outcome planned for it.'),
    );
    assert.ok(summary.lines.some((line) => /^\s+high\s+\d+\s+[\d.]+/.test(line)));
    assert.ok(summary.lines.some((line) => /^\s+permanent\s+SOURCE_REJECTED\s+\d+$/.test(line)));
  });

  it('lists the tasks that differ from the plan or have no outcome', () => {
    const plan = planTraffic({ count: 4, runId: 'r', seed: 1, nowMs: 0 });
    const tracker = new OutcomeTracker(plan.map((p) => p.task.request_id));
    const [first] = plan;
    tracker.accept(
      event(
        first!.task.request_id,
        first!.expected === 'succeeded' ? 'dead_lettered' : 'succeeded',
        5,
      ),
    );

    const summary = buildSummary({
      plan,
      journeys: tracker.journeys(),
      submittedAt: new Map(),
      store: null,
      elapsedMs: 1,
    });

    assert.equal(summary.matches, false);
    assert.ok(
      summary.lines.some((line) =>
        line.startsWith('1 of 4 tasks reached an outcome; 4 differ from the plan:'),
      ),
    );
  });

  it('ignores the events of other runs and counts only the first outcome', () => {
    const tracker = new OutcomeTracker(['a']);

    tracker.accept(event('other', 'succeeded', 1));
    tracker.accept(event('a', 'dead_lettered', 2, { reason_code: 'SOURCE_FORBIDDEN' }));
    tracker.accept(event('a', 'succeeded', 3));

    assert.equal(tracker.journeys().size, 1);
    assert.equal(tracker.journeys().get('a')?.outcome, 'dead_lettered');
  });
});
