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

test('poller: the simulator never sees more concurrent requests than the global and per-source caps', async (t) => {
  const layout = await isolatedTopics(t);
  const sim = await startSimulator({
    seed: 7,
    sources: {
      crm: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } },
      billing: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } },
      support: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } },
    },
  });
  t.after(() => sim.close());
  const caps = { global: 8, crm: 5, billing: 3, support: 5 };
  const config = testPollerConfig({
    concurrency: { global: caps.global },
    sources: {
      crm: { connector: simulatedSource(sim, 'crm', 'sync'), maxConcurrency: caps.crm },
      billing: { connector: simulatedSource(sim, 'billing', 'sync'), maxConcurrency: caps.billing },
      support: {
        connector: simulatedSource(sim, 'support', 'async'),
        maxConcurrency: caps.support,
      },
    },
  });
  const sources = ['crm', 'billing', 'support'] as const;
  const tasks = Array.from({ length: 900 }, (_, i) =>
    routedTask({ source_system: sources[i % 3]!, lane: i % 10 === 0 ? 'high' : 'standard' }),
  );
  const outcomes = await collectOutcomes(t, layout);

  await produceTasks(layout, tasks);
  await startPoller(t, layout, config);
  const finals = await waitFor(
    () => finalOutcomes(outcomes).size >= tasks.length && finalOutcomes(outcomes),
    {
      timeoutMs: 180_000,
      description: 'every task to reach an outcome',
    },
  );

  const counters = sim.counters();
  assert.ok(
    counters.peakInFlight <= caps.global,
    `global peak ${counters.peakInFlight} > ${caps.global}`,
  );
  for (const source of sources) {
    const peak = counters.sources[source]!.peakInFlight;
    assert.ok(peak <= caps[source], `${source} peak ${peak} > ${caps[source]}`);
  }
  // The caps were actually reached, so the bound above was tested under pressure.
  assert.ok(counters.peakInFlight >= caps.global - 1, `global peak only ${counters.peakInFlight}`);
  assert.equal(counters.sources.billing!.peakInFlight, caps.billing);
  assert.ok(
    [...finals.values()].every((f) => f.succeeded.length === 1 && f.deadLettered.length === 0),
  );
});

test('poller: a rate-limited source stays under its limit while another source flows freely', async (t) => {
  const layout = await isolatedTopics(t);
  // The vendor's limit leaves the usual headroom over ours: requests sent evenly can still
  // arrive bunched, after new connections are set up or the event loop pauses.
  const sim = await startSimulator({
    seed: 8,
    sources: {
      ledger: { latency: 2, rateLimit: { ratePerSec: 40, burst: 10 } },
      crm: { latency: 2 },
    },
  });
  t.after(() => sim.close());
  const config = testPollerConfig({
    concurrency: { global: 8 },
    sources: {
      ledger: {
        connector: simulatedSource(sim, 'ledger', 'sync'),
        rateLimit: { ratePerSecond: 30, burst: 5 },
      },
      crm: { connector: simulatedSource(sim, 'crm', 'sync') },
    },
  });
  const tasks = Array.from({ length: 300 }, (_, i) =>
    routedTask({ source_system: i % 2 === 0 ? 'ledger' : 'crm' }),
  );
  const outcomes = await collectOutcomes(t, layout);

  await produceTasks(layout, tasks);
  await startPoller(t, layout, config);
  await waitFor(() => finalOutcomes(outcomes).size >= tasks.length, {
    timeoutMs: 120_000,
    description: 'every task to reach an outcome',
  });

  const ledger = sim.sourceCounters('ledger');
  assert.equal(ledger.byStatus['429'] ?? 0, 0, 'the source never had to refuse a call');
  assert.equal(ledger.requests, 150);
  const lastOf = (source: string) =>
    Math.max(
      ...outcomes.audit
        .filter((r) => r.value.stage === 'succeeded' && r.value.source_system === source)
        .map((r) => r.value.occurred_at),
    );
  assert.ok(lastOf('crm') < lastOf('ledger'), 'the unlimited source was not held back');
});
