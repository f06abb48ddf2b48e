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
  startPoller,
  testPollerConfig,
} from '../support/poller-harness';
import { waitFor } from '../support/wait-for';

const BACKLOG = 20_000;
const URGENT = 100;

test('poller: high-priority tasks behind a 20,000-task standard backlog finish while it drains', async (t) => {
  const layout = await isolatedTopics(t);
  const sim = await startSimulator({
    seed: 11,
    sources: { crm: { latency: { kind: 'uniform', minMs: 1, maxMs: 6 } } },
  });
  t.after(() => sim.close());
  const config = testPollerConfig({
    concurrency: { global: 16 },
    sources: { crm: { connector: simulatedSource(sim, 'crm', 'sync') } },
  });
  const outcomes = await collectOutcomes(t, layout);
  const successes = () => outcomes.audit.filter((r) => r.value.stage === 'succeeded');

  const backlog = Array.from({ length: BACKLOG }, () =>
    routedTask({ lane: 'standard', action: 'deletion' }),
  );
  await produceTasks(layout, backlog);
  await startPoller(t, layout, config);
  await waitFor(() => successes().length >= 1_000, {
    timeoutMs: 120_000,
    description: 'the backlog to start draining',
  });

  const urgent = Array.from({ length: URGENT }, () =>
    routedTask({ lane: 'high', priority: 9, action: 'access' }),
  );
  const urgentIds = new Set(urgent.map((task) => task.request_id));
  await produceTasks(layout, urgent);
  await waitFor(() => finalOutcomes(outcomes).size >= BACKLOG + URGENT, {
    timeoutMs: 600_000,
    intervalMs: 1_000,
    description: 'every task to reach an outcome',
  });

  const done = successes().map((r) => r.value);
  const lastUrgentAt = Math.max(
    ...done.filter((e) => urgentIds.has(e.request_id!)).map((e) => e.occurred_at),
  );
  const standardAfter = done.filter(
    (e) => !urgentIds.has(e.request_id!) && e.occurred_at > lastUrgentAt,
  ).length;
  const firstUrgentStart = Math.min(
    ...outcomes.audit
      .filter((r) => r.value.stage === 'attempt_started' && urgentIds.has(r.value.request_id!))
      .map((r) => r.value.occurred_at),
  );
  const standardDuring = done.filter(
    (e) =>
      !urgentIds.has(e.request_id!) &&
      e.occurred_at >= firstUrgentStart &&
      e.occurred_at <= lastUrgentAt,
  ).length;
  t.diagnostic(`standard tasks finished after the last urgent one: ${standardAfter}`);
  t.diagnostic(`standard tasks finished while urgent ones were running: ${standardDuring}`);
  assert.equal(done.filter((e) => urgentIds.has(e.request_id!)).length, URGENT);
  // The backlog was still draining, by a wide margin, when the last urgent task finished.
  assert.ok(
    standardAfter >= BACKLOG / 4,
    `only ${standardAfter} standard tasks finished after the urgent ones`,
  );
  // Without priority the ~1,500 buffered standard tasks ahead of them would finish first.
  assert.ok(
    standardDuring < 500,
    `${standardDuring} standard tasks finished while urgent ones waited`,
  );
  assert.ok(
    [...finalOutcomes(outcomes).values()].every(
      (f) => f.succeeded.length === 1 && f.deadLettered.length === 0,
    ),
  );
});
