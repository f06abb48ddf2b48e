import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulator } from '@dsr/simulator';
import { isolatedTopics } from '../support/environment';
import {
  collectOutcomes,
  finalOutcomes,
  produceTasks,
  routedTask,
  simulatedSource,
  spawnPoller,
  testPollerConfig,
} from '../support/poller-harness';
import { waitFor } from '../support/wait-for';

const TASKS = 4_000;

test('poller: SIGKILL of one poller while a second joins loses no task and records no success twice', async (t) => {
  const layout = await isolatedTopics(t, { partitions: 6 });
  const sim = await startSimulator({
    seed: 13,
    sources: {
      crm: { latency: { kind: 'uniform', minMs: 2, maxMs: 15 } },
      billing: {
        latency: { kind: 'uniform', minMs: 2, maxMs: 15 },
        job: { durationMs: { kind: 'uniform', minMs: 100, maxMs: 1_500 } },
      },
    },
  });
  t.after(() => sim.close());
  const config = testPollerConfig({
    concurrency: { global: 12 },
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
    sources: {
      crm: { connector: simulatedSource(sim, 'crm', 'sync') },
      billing: { connector: simulatedSource(sim, 'billing', 'async') },
    },
  });
  const outcomes = await collectOutcomes(t, layout);
  const successes = () => outcomes.audit.filter((r) => r.value.stage === 'succeeded').length;

  const tasks = Array.from({ length: TASKS }, (_, i) =>
    routedTask({
      source_system: i % 4 === 0 ? 'billing' : 'crm',
      lane: i % 5 === 0 ? 'high' : 'standard',
    }),
  );
  await produceTasks(layout, tasks);
  const first = spawnPoller(t, layout, config);
  await waitFor(() => successes() >= 500, {
    timeoutMs: 120_000,
    description: 'the first poller to make progress',
  });

  spawnPoller(t, layout, config);
  const beforeJoin = successes();
  await waitFor(() => successes() >= beforeJoin + 100, {
    timeoutMs: 60_000,
    description: 'progress while the second joins',
  });
  first.child.kill('SIGKILL');
  await first.exited;
  const atKill = successes();
  t.diagnostic(`successes recorded when the first poller was killed: ${atKill}`);
  assert.ok(atKill < TASKS, 'the first poller was killed mid-run');

  const finals = await waitFor(
    () => finalOutcomes(outcomes).size >= TASKS && finalOutcomes(outcomes),
    {
      timeoutMs: 300_000,
      intervalMs: 1_000,
      description: 'every task to reach an outcome after the kill',
    },
  );
  const twice = [...finals]
    .filter(([, f]) => f.succeeded.length + f.deadLettered.length !== 1)
    .map(([id]) => id);
  assert.deepEqual(twice.slice(0, 10), [], `${twice.length} tasks recorded other than once`);
  assert.ok(tasks.every((task) => finals.get(task.request_id)?.succeeded.length === 1));
  assert.equal(outcomes.deadLetters.length, 0);
  assert.equal(sim.sourceCounters('billing').maxJobsPerRequestId, 1);
});
