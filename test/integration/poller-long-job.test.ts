import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '@dsr/simulator';
import { isolatedTopics } from '../support/environment';
import {
  collectOutcomes,
  produceTasks,
  routedTask,
  simulatedSource,
  spawnPoller,
  testPollerConfig,
} from '../support/poller-harness';
import { waitFor } from '../support/wait-for';

const SESSION_TIMEOUT_MS = 10_000;
const JOB_DURATION_MS = 3 * SESSION_TIMEOUT_MS;

test('poller: an async job longer than the session timeout completes across a restart, submitted once', async (t) => {
  const layout = await isolatedTopics(t);
  const sim = await startSimulator({
    seed: 9,
    sources: { crm: { job: { durationMs: JOB_DURATION_MS } } },
  });
  t.after(() => sim.close());
  const connector = {
    ...simulatedSource(sim, 'crm', 'async'),
    polling: { initialDelayMs: 1_000, maxDelayMs: 4_000, multiplier: 2, jitterRatio: 0.2 },
  };
  const config = testPollerConfig({
    consumer: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1_000 },
    sources: { crm: { connector } },
  });
  const outcomes = await collectOutcomes(t, layout);
  const stages = (stage: string) =>
    outcomes.audit.filter((r) => r.value.stage === stage).map((r) => r.value);

  const tasks = Array.from({ length: 3 }, () => routedTask({ action: 'access', lane: 'high' }));
  await produceTasks(layout, tasks);
  const first = spawnPoller(t, layout, config);
  await waitFor(
    () =>
      stages('job_submitted').length === tasks.length &&
      stages('job_polled').length >= tasks.length,
    {
      timeoutMs: 60_000,
      description: 'the jobs to be submitted and polled by the first poller',
    },
  );

  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr());
  const polledBeforeRestart = stages('job_polled').length;
  assert.equal(stages('succeeded').length, 0, 'the jobs were still running at the restart');

  spawnPoller(t, layout, config);
  const successes = await waitFor(
    () => stages('succeeded').length === tasks.length && stages('succeeded'),
    {
      timeoutMs: 120_000,
      description: 'the jobs to complete under the second poller',
    },
  );

  assert.ok(stages('job_polled').length > polledBeforeRestart, 'polling resumed after the restart');
  for (const task of tasks) {
    const counters = sim.requestIdCounters('crm', task.request_id);
    assert.deepEqual(
      [counters.submits, counters.jobs],
      [1, 1],
      `${task.request_id} was submitted once`,
    );
    const success = successes.find((e) => e.request_id === task.request_id);
    assert.equal(success?.attempt, 1);
    assert.match(success?.result_digest ?? '', /^[0-9a-f]{64}$/);
  }
  assert.equal(stages('job_submitted').length, tasks.length);
});
