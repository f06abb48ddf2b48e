import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleDiscreteLaplace, seededRandom } from '@dsr/dlq-auditor';
import {
  deadLetter,
  produceDeadLetters,
  routedTask,
  startAuditor,
  waitForStored,
} from '../support/dlq-auditor';

function monthRange(): { from: string; to: string } {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

describe('dlq-auditor: reports', () => {
  it('refuses a private report beyond the monthly budget and charges nothing for it', async (t) => {
    const harness = await startAuditor(t);
    const january = {
      from: '2026-01-01',
      to: '2026-02-01',
      granularity: 'month',
      groupBy: ['action'],
    };

    const first = await harness.api('viewer', 'POST', '/v1/reports/private', {
      ...january,
      epsilon: '1',
    });
    const second = await harness.api('operator', 'POST', '/v1/reports/private', {
      ...january,
      epsilon: '0.75',
    });
    const third = await harness.api('auditor', 'POST', '/v1/reports/private', {
      ...january,
      epsilon: '0.5',
    });
    const spanning = await harness.api('viewer', 'POST', '/v1/reports/private', {
      ...january,
      to: '2026-03-01',
      epsilon: '0.25',
    });
    const tooLarge = await harness.api('viewer', 'POST', '/v1/reports/private', {
      ...january,
      epsilon: '1.5',
    });

    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(third.status, 409);
    assert.deepEqual(third.body.error, {
      code: 'PRIVACY_BUDGET_EXHAUSTED',
      message: 'the privacy budget of 2026-01-01 has 0.25 left; this report needs 0.5',
    });
    assert.equal(spanning.status, 200, 'the last 0.25 of January and 0.25 of February');
    assert.equal(tooLarge.status, 400);

    const budget = await harness.api('viewer', 'GET', '/v1/reports/budget');
    assert.deepEqual(budget.body.periods, [
      { period: '2026-01-01', spent: '2' },
      { period: '2026-02-01', spent: '0.25' },
    ]);
    const ledger = await harness.ownerQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM auditor.privacy_ledger',
    );
    assert.equal(ledger[0]?.n, 4);
  });

  it('bounds each subject to the contribution cap and adds discrete Laplace noise of scale cap/epsilon', async (t) => {
    const harness = await startAuditor(t, { options: { random: seededRandom('report-noise') } });
    const prolific = routedTask({ source_system: 'crm' });
    const single = routedTask({ source_system: 'billing', action: 'access' });
    const records = [
      ...Array.from({ length: 5 }, () => deadLetter(prolific)),
      deadLetter(single),
      deadLetter(routedTask({ source_system: 'legacy-erp' })),
    ];
    await produceDeadLetters(harness.layout, records);
    await waitForStored(harness, records.length);
    const range = { ...monthRange(), granularity: 'month', groupBy: ['source_system'] };

    const released = await harness.api('viewer', 'POST', '/v1/reports/private', {
      ...range,
      epsilon: '1',
    });
    const exact = await harness.api('auditor', 'POST', '/v1/reports/exact', range);

    // The same seed drawn in the same order reproduces the noise the service added.
    const replica = seededRandom('report-noise');
    const scale = { num: 2n, den: 1n };
    const bounded = { crm: 2, billing: 1, support: 0, '(other)': 1 };
    const expected = Object.entries(bounded).map(([source, count]) => ({
      source_system: source,
      count: count + Number(sampleDiscreteLaplace(scale, replica)),
    }));
    assert.equal(released.status, 200);
    assert.equal(released.body.mechanism, 'discrete_laplace');
    assert.equal(released.body.scale, '2');
    assert.deepEqual(
      released.body.cells.map((c: { source_system: string; count: number }) => ({
        source_system: c.source_system,
        count: c.count,
      })),
      expected,
    );

    assert.equal(exact.status, 200);
    assert.deepEqual(
      exact.body.deadLetters.map((c: { source_system: string; count: number }) => [
        c.source_system,
        c.count,
      ]),
      [
        ['crm', 5],
        ['billing', 1],
        ['(other)', 1],
      ],
    );
    assert.equal(exact.body.totals.deadLetters, 7);
    assert.equal(exact.body.totals.requests, 3);
    assert.ok(exact.body.timeToDeadLetterMs.p50 >= 60_000);
  });
});
