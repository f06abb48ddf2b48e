import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineWatch } from '../../../src/runtime/deadline-watch';
import { createPipelineMetrics } from '../../../src/runtime/metrics';

const HOUR_MS = 3_600_000;

describe('deadline watch', () => {
  it('counts held tasks whose deadline is within the window or past, by lane', async () => {
    let now = 0;
    const metrics = createPipelineMetrics({ service: 'poller', processMetrics: false });
    const watch = new DeadlineWatch({ metrics, windowMs: 24 * HOUR_MS, now: () => now });
    const [soon, late, past] = ['t/0/1', 't/0/2', 't/0/3'];
    watch.track(soon, 10 * HOUR_MS, 'high');
    watch.track(late, 100 * HOUR_MS, 'standard');
    watch.track(past, -1, 'standard');

    assert.deepEqual(watch.refresh(), { high: 1, standard: 1 });
    const { values } = await metrics.deadlineAtRisk.get();
    assert.deepEqual(Object.fromEntries(values.map((v) => [v.labels.lane, v.value])), {
      high: 1,
      standard: 1,
    });
  });

  it('moves a task into the count as time passes, and out once released', () => {
    let now = 0;
    const metrics = createPipelineMetrics({ service: 'poller', processMetrics: false });
    const watch = new DeadlineWatch({ metrics, windowMs: 24 * HOUR_MS, now: () => now });
    const task = 't/0/1';
    watch.track(task, 48 * HOUR_MS, 'standard');

    const before = watch.refresh();
    now = 30 * HOUR_MS;
    const later = watch.refresh();
    watch.release(task);
    const released = watch.refresh();

    assert.deepEqual(
      [before, later, released],
      [{ standard: 0 }, { standard: 1 }, { standard: 0 }],
    );
  });

  it('moves the gauge at once when a task is tracked or released', async () => {
    const metrics = createPipelineMetrics({ service: 'poller', processMetrics: false });
    const watch = new DeadlineWatch({ metrics, windowMs: 24 * HOUR_MS, now: () => 0 });
    const urgent = 't/0/1';
    const relaxed = 't/0/2';
    const gauge = async () => (await metrics.deadlineAtRisk.get()).values.map((v) => v.value);

    watch.track(urgent, HOUR_MS, 'high');
    watch.track(relaxed, 100 * HOUR_MS, 'high');
    const tracked = await gauge();
    watch.release(urgent);
    watch.release(relaxed);
    watch.release(relaxed);

    assert.deepEqual([tracked, await gauge()], [[1], [0]]);
  });
});
