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

const breaker = {
  volumeThreshold: 5,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 2_000,
  rollingCountTimeoutMs: 10_000,
  timeoutMs: 3_000,
};

test('poller: an outage opens one source breaker while others flow; recovery completes the deferred tasks', async (t) => {
  const layout = await isolatedTopics(t);
  const sim = await startSimulator({
    seed: 3,
    sources: { crm: { latency: 2 }, billing: { latency: 2 } },
  });
  t.after(() => sim.close());
  const config = testPollerConfig({
    concurrency: { global: 16 },
    sources: {
      crm: { connector: simulatedSource(sim, 'crm', 'async'), maxConcurrency: 8, breaker },
      billing: { connector: simulatedSource(sim, 'billing', 'sync'), maxConcurrency: 8, breaker },
    },
  });
  const outcomes = await collectOutcomes(t, layout);
  const audit = (stage: string, source: string) =>
    outcomes.audit
      .filter((r) => r.value.stage === stage && r.value.source_system === source)
      .map((r) => r.value);

  await sim.takeDown('crm', 'refuse');
  const crmTasks = Array.from({ length: 200 }, () => routedTask({ source_system: 'crm' }));
  const billingTasks = Array.from({ length: 200 }, () => routedTask({ source_system: 'billing' }));
  await produceTasks(layout, [...crmTasks, ...billingTasks]);
  await startPoller(t, layout, config);

  await waitFor(
    () =>
      audit('succeeded', 'billing').length === billingTasks.length &&
      audit('deferred', 'crm').length > 0,
    {
      timeoutMs: 120_000,
      description: 'billing to finish while crm tasks are deferred by its open breaker',
    },
  );
  assert.equal(audit('succeeded', 'crm').length, 0);
  assert.equal(audit('deferred', 'billing').length, 0);
  assert.ok(audit('deferred', 'crm').every((e) => e.reason_code === 'BREAKER_OPEN'));

  // A task whose deadline leaves no room for a deferral is dead-lettered as the breaker's refusal.
  const urgent = Array.from({ length: 5 }, () =>
    routedTask({ source_system: 'crm', deadline: Date.now() + 1_500 }),
  );
  await produceTasks(layout, urgent);
  const urgentIds = new Set(urgent.map((task) => task.request_id));
  const urgentLetters = await waitFor(
    () => {
      const letters = outcomes.deadLetters.filter((r) => urgentIds.has(r.value.request_id));
      return letters.length === urgent.length && letters.map((r) => r.value);
    },
    { description: 'the tasks without time for a deferral to be dead-lettered' },
  );
  const refused = urgentLetters.filter((letter) => letter.breaker_refusal);
  assert.ok(refused.length > 0, 'at least one was refused by the open breaker');
  // A refusal is recorded as the breaker's, not as the source's last answer; attempts count only
  // the calls that reached the source (a task may have failed once before the breaker opened).
  assert.ok(
    refused.every((l) => l.error_code === 'BREAKER_OPEN' && l.error_category === 'transient'),
  );
  assert.ok(refused.every((l) => l.attempts <= 1));

  await sim.bringUp('crm');
  await waitFor(() => audit('succeeded', 'crm').length === crmTasks.length, {
    timeoutMs: 180_000,
    description: 'the deferred crm tasks to complete after recovery',
  });

  const finals = finalOutcomes(outcomes);
  for (const task of [...crmTasks, ...billingTasks]) {
    const final = finals.get(task.request_id);
    assert.equal(final?.succeeded.length, 1, `${task.request_id} succeeded once`);
    assert.equal(final?.deadLettered.length, 0);
  }
  // Deferrals spent no attempts: most deferred tasks still succeeded on their first attempt.
  const deferredIds = new Set(audit('deferred', 'crm').map((e) => e.request_id));
  const firstAttempt = audit('succeeded', 'crm').filter(
    (e) => deferredIds.has(e.request_id) && e.attempt === 1,
  );
  assert.ok(
    firstAttempt.length > deferredIds.size / 2,
    `${firstAttempt.length} of ${deferredIds.size}`,
  );
  t.diagnostic(
    `crm tasks deferred: ${deferredIds.size}; deferrals: ${audit('deferred', 'crm').length}`,
  );
});
