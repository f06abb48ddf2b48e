import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Alert, RoutedTask } from '@dsr/shared';
import { exportPath } from '@dsr/poller';
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
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

const TASKS = 5_000;
const ACTIONS = ['access', 'deletion', 'rectification'] as const;

/** What the simulator does to a task's submits, and the outcome the poller must record. */
interface Plan {
  fault?: { fault: string; times?: number };
  expect:
    | { outcome: 'succeeded'; attempts: number }
    | { outcome: 'dead_lettered'; attempts: number; code: string; category: string };
}

/** 5 % transient failures (one in five never recovers), 1 % permanent ones, the rest clean. */
function planFor(index: number, source: 'crm' | 'billing'): Plan {
  switch (index % 100) {
    case 0:
      return {
        fault: { fault: 'server-error', times: 1 },
        expect: { outcome: 'succeeded', attempts: 2 },
      };
    case 1:
      return {
        fault: { fault: 'unavailable', times: 2 },
        expect: { outcome: 'succeeded', attempts: 3 },
      };
    case 2:
      return { fault: { fault: 'reset', times: 1 }, expect: { outcome: 'succeeded', attempts: 2 } };
    case 3:
      return {
        fault: { fault: 'lost-response', times: 1 },
        expect: { outcome: 'succeeded', attempts: 2 },
      };
    case 4: {
      const expect = {
        outcome: 'dead_lettered',
        attempts: 4,
        code: 'SOURCE_UNAVAILABLE',
        category: 'transient',
      } as const;
      return { fault: { fault: 'server-error' }, expect };
    }
    case 5: {
      if (index % 200 < 100) {
        const expect = {
          outcome: 'dead_lettered',
          attempts: 1,
          code: 'SOURCE_REJECTED',
          category: 'permanent',
        } as const;
        return { fault: { fault: 'unprocessable' }, expect };
      }
      const code = source === 'crm' ? 'SOURCE_JOB_FAILED' : 'SOURCE_FORBIDDEN';
      const fault = source === 'crm' ? 'job-failed' : 'forbidden';
      return {
        fault: { fault },
        expect: { outcome: 'dead_lettered', attempts: 1, code, category: 'permanent' },
      };
    }
    default:
      return { expect: { outcome: 'succeeded', attempts: 1 } };
  }
}

test('poller: 5,000 tasks with 5 % transient and 1 % permanent failures each end exactly once', async (t) => {
  const layout = await isolatedTopics(t);
  const tasks: RoutedTask[] = [];
  const plans = new Map<string, Plan>();
  const forced: Record<'crm' | 'billing', Record<string, { fault: string; times?: number }>> = {
    crm: {},
    billing: {},
  };
  for (let i = 0; i < TASKS; i += 1) {
    const source = Math.floor(i / 100) % 2 === 0 ? 'crm' : 'billing';
    const action = ACTIONS[Math.floor(i / 2) % 3]!;
    const task = routedTask({
      source_system: source,
      action,
      changes: action === 'rectification' ? { name: 'Corrected' } : null,
      lane: i % 7 === 0 ? 'high' : 'standard',
    });
    const plan = planFor(i, source);
    if (plan.fault) forced[source][task.request_id] = plan.fault;
    plans.set(task.request_id, plan);
    tasks.push(task);
  }

  const sim = await startSimulator({
    seed: 5,
    sources: {
      crm: {
        latency: { kind: 'uniform', minMs: 1, maxMs: 10 },
        job: { durationMs: { kind: 'uniform', minMs: 50, maxMs: 400 } },
        forced: forced.crm,
      },
      billing: { latency: { kind: 'uniform', minMs: 1, maxMs: 10 }, forced: forced.billing },
    },
  });
  t.after(() => sim.close());
  // Near the end only the never-recovering tasks are still calling, all failing; a breaker that
  // opened on them would defer them (the breaker test covers that) and change their counts here.
  const breaker = { volumeThreshold: 1_000 };
  const config = testPollerConfig({
    concurrency: { global: 32 },
    sources: {
      crm: { connector: simulatedSource(sim, 'crm', 'async'), maxConcurrency: 16, breaker },
      billing: { connector: simulatedSource(sim, 'billing', 'sync'), maxConcurrency: 16, breaker },
    },
  });
  const resultsRoot = (config.results as { path: string }).path;
  const outcomes = await collectOutcomes(t, layout);
  const alerts = await collectTopic<Alert>(t, layout, layout.topics.alerts);

  await produceTasks(layout, tasks);
  await startPoller(t, layout, config);
  const finals = await waitFor(
    () => finalOutcomes(outcomes).size >= TASKS && finalOutcomes(outcomes),
    {
      timeoutMs: 600_000,
      intervalMs: 1_000,
      description: 'every task to reach an outcome',
    },
  );

  const wrong: string[] = [];
  for (const task of tasks) {
    const { expect } = plans.get(task.request_id)!;
    const final = finals.get(task.request_id);
    const ended = (final?.succeeded.length ?? 0) + (final?.deadLettered.length ?? 0);
    if (ended !== 1) {
      wrong.push(`${task.request_id}: ${ended} outcomes`);
    } else if (expect.outcome === 'succeeded') {
      const success = final!.succeeded[0];
      if (success?.attempt !== expect.attempts)
        wrong.push(
          `${task.request_id}: success ${JSON.stringify(success)} ≠ ${JSON.stringify(expect)}`,
        );
    } else {
      const letter = final!.deadLettered[0];
      const seen = letter && [
        letter.attempts,
        letter.error_code,
        letter.error_category,
        letter.breaker_refusal,
      ];
      if (
        JSON.stringify(seen) !==
        JSON.stringify([expect.attempts, expect.code, expect.category, false])
      ) {
        wrong.push(
          `${task.request_id}: dead letter ${JSON.stringify(seen)} ≠ ${JSON.stringify(expect)}`,
        );
      }
    }
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} tasks ended wrongly`);
  assertOneAlertPerDeadLetter(
    await waitFor(() => alerts.length >= outcomes.deadLetters.length && alerts, {
      description: 'an alert for every dead letter',
    }),
    outcomes.deadLetters.map((r) => r.value),
    tasks,
  );

  const crm = sim.sourceCounters('crm');
  assert.equal(crm.maxJobsPerRequestId, 1);
  assert.deepEqual(crm.requestIdsWithSeveralJobs, []);
  assert.ok(crm.idempotentReplays > 0, 'lost responses were retried with the same idempotency key');

  const accessSuccesses = outcomes.audit.filter(
    (r) => r.value.stage === 'succeeded' && r.value.action === 'access',
  );
  assert.ok(accessSuccesses.length > 1_000);
  for (const { value } of accessSuccesses.slice(0, 200)) {
    const stored = readFileSync(
      exportPath(resultsRoot, { requestId: value.request_id!, sourceSystem: value.source_system! }),
    );
    assert.equal(value.result_digest, createHash('sha256').update(stored).digest('hex'));
    assert.equal(value.result_bytes, stored.length);
  }
  const retriesCounted = outcomes.audit.filter((r) => r.value.stage === 'retry_scheduled').length;
  t.diagnostic(
    `retries scheduled: ${retriesCounted}; dead letters: ${outcomes.deadLetters.length}; crm jobs: ${crm.jobsStarted}`,
  );
});

/** Each dead letter has exactly one dead_letter alert with its request, code and severity. */
function assertOneAlertPerDeadLetter(
  alerts: { value: Alert }[],
  letters: { request_id: string; error_code: string }[],
  tasks: RoutedTask[],
): void {
  const actions = new Map(tasks.map((task) => [task.request_id, task.action]));
  const alertsOf = new Map<string, Alert[]>();
  for (const { value } of alerts) {
    alertsOf.set(value.request_id ?? '', [...(alertsOf.get(value.request_id ?? '') ?? []), value]);
  }

  assert.equal(alerts.length, letters.length, 'one alert per dead letter');
  const wrong: string[] = [];
  for (const letter of letters) {
    const found = alertsOf.get(letter.request_id) ?? [];
    const severity = actions.get(letter.request_id) === 'deletion' ? 'critical' : 'warning';
    const seen = found.map((a) => [a.kind, a.reason_code, a.severity, a.service]);
    const expected = [['dead_letter', letter.error_code, severity, 'poller']];
    if (JSON.stringify(seen) !== JSON.stringify(expected))
      wrong.push(`${letter.request_id}: alerts ${JSON.stringify(seen)}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} dead letters alerted wrongly`);
}
