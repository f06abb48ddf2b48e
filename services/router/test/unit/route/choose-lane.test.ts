import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseLane, type LaneRules } from '../../../src/route/choose-lane';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const rules: LaneRules = { highPriorityThreshold: 8, deadlineWindowMs: 7 * DAY_MS };
const far = NOW + 30 * DAY_MS;

describe('chooseLane', () => {
  it('when the task is a deletion, puts it on high whatever its priority and deadline', () => {
    assert.deepEqual(chooseLane({ action: 'deletion', priority: 1, deadline: far }, rules, NOW), {
      lane: 'high',
      reason: 'deletion',
    });
  });

  it('when the priority reaches the threshold, puts it on high', () => {
    assert.deepEqual(chooseLane({ action: 'access', priority: 8, deadline: far }, rules, NOW), {
      lane: 'high',
      reason: 'priority',
    });
    assert.equal(
      chooseLane({ action: 'access', priority: 7, deadline: far }, rules, NOW).lane,
      'standard',
    );
  });

  it('when the deadline is inside the window or already passed, puts it on high', () => {
    assert.deepEqual(
      chooseLane({ action: 'rectification', priority: 1, deadline: NOW + 7 * DAY_MS }, rules, NOW),
      { lane: 'high', reason: 'deadline' },
    );
    assert.equal(
      chooseLane({ action: 'access', priority: 1, deadline: NOW - DAY_MS }, rules, NOW).lane,
      'high',
    );
    assert.equal(
      chooseLane({ action: 'access', priority: 1, deadline: NOW + 7 * DAY_MS + 1 }, rules, NOW)
        .lane,
      'standard',
    );
  });

  it('otherwise puts it on standard', () => {
    assert.deepEqual(chooseLane({ action: 'access', priority: 3, deadline: far }, rules, NOW), {
      lane: 'standard',
      reason: 'standard',
    });
  });
});
