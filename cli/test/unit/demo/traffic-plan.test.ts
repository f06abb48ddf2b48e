import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_SOURCES, forcedFaultsBySource, planTraffic } from '../../../src/demo/traffic-plan';

const options = { count: 240, runId: 'r1', seed: 7, nowMs: Date.parse('2026-03-01T00:00:00Z') };

describe('the demo traffic plan', () => {
  it('is the same for the same seed', () => {
    assert.deepEqual(planTraffic(options), planTraffic(options));
  });

  it('covers every action and source system, with unique request ids', () => {
    const plan = planTraffic(options);

    assert.deepEqual(
      new Set(plan.map((p) => p.task.action)),
      new Set(['access', 'deletion', 'rectification']),
    );
    for (const source of DEMO_SOURCES) assert.ok(plan.some((p) => p.task.source_system === source));
    assert.equal(new Set(plan.map((p) => p.task.request_id)).size, 240);
  });

  it('mixes outcomes in fixed proportions', () => {
    const plan = planTraffic(options);
    const count = (outcome: string) => plan.filter((p) => p.expected === outcome).length;

    assert.equal(count('succeeded'), 192);
    assert.equal(count('dead_lettered'), 29);
    assert.equal(count('quarantined'), 19);
  });

  it('forces faults only on the tasks whose scenario needs them, at their source', () => {
    const plan = planTraffic(options);
    const forced = forcedFaultsBySource(plan);

    for (const p of plan) {
      const entry = forced[p.task.source_system]?.[p.task.request_id];
      assert.deepEqual(entry, p.forced);
    }
    assert.ok(
      plan
        .filter((p) => p.scenario === 'retries-exhausted')
        .every((p) => p.forced?.times === undefined),
    );
  });

  it('gives rectifications their changes and nothing else any', () => {
    for (const { task } of planTraffic(options)) {
      assert.equal(task.changes !== null, task.action === 'rectification');
    }
  });
});
