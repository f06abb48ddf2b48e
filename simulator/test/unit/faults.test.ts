import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Agent } from 'undici';
import { waitFor } from '../../../test/support/wait-for';
import type { Simulator } from '../../src';
import { call, clientFor, failureCode, simulatorFor, submit } from './harness';

const RATES = { serverError: 0.1, rateLimited: 0.05, unavailable: 0.05, forbidden: 0.02 };
const POLLS = 400;

async function statusSequence(sim: Simulator, client: Agent, polls = POLLS): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < polls; index += 1) {
    statuses.push((await call(client, `${sim.sourceUrl('crm')}/jobs/any`)).status);
  }
  return statuses;
}

function count(statuses: number[], status: number): number {
  return statuses.filter((value) => value === status).length;
}

describe('fault rates and forced faults', () => {
  it('when rates are set, each fault shows up at about its rate', async (t) => {
    const sim = await simulatorFor(t, { seed: 7, sources: { crm: { faults: RATES } } });
    const statuses = await statusSequence(sim, clientFor(t));

    // Four standard deviations of a binomial draw: wide enough for any seed.
    const near = (observed: number, rate: number): boolean =>
      Math.abs(observed - rate * POLLS) <= 4 * Math.sqrt(POLLS * rate * (1 - rate));
    assert.ok(near(count(statuses, 500), 0.1), `500s: ${count(statuses, 500)}`);
    assert.ok(near(count(statuses, 429), 0.05), `429s: ${count(statuses, 429)}`);
    assert.ok(near(count(statuses, 503), 0.05), `503s: ${count(statuses, 503)}`);
    assert.ok(near(count(statuses, 403), 0.02), `403s: ${count(statuses, 403)}`);
    assert.equal(sim.sourceCounters('crm').byStatus['500'], count(statuses, 500));
  });

  it('when the seed is the same, the faults come in the same order', async (t) => {
    const first = await simulatorFor(t, { seed: 7, sources: { crm: { faults: RATES } } });
    const second = await simulatorFor(t, { seed: 7, sources: { crm: { faults: RATES } } });
    const other = await simulatorFor(t, { seed: 8, sources: { crm: { faults: RATES } } });
    const client = clientFor(t);

    const a = await statusSequence(first, client, 100);
    const b = await statusSequence(second, client, 100);
    const c = await statusSequence(other, client, 100);

    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('when a fault is forced for a request id, it strikes n times, then passes', async (t) => {
    const sim = await simulatorFor(t, {
      sources: {
        crm: { retryAfterSec: 7, forced: { 'r-1': { fault: 'unavailable', times: 2 } } },
      },
    });
    const client = clientFor(t);

    const answers = [
      await submit(client, sim.sourceUrl('crm'), 'r-1'),
      await submit(client, sim.sourceUrl('crm'), 'r-1'),
      await submit(client, sim.sourceUrl('crm'), 'r-1'),
    ];
    const bystander = await submit(client, sim.sourceUrl('crm'), 'r-2');

    assert.deepEqual(
      answers.map((answer) => answer.status),
      [503, 503, 202],
    );
    assert.equal(answers[0]?.headers['retry-after'], '7');
    assert.equal(bystander.status, 202);
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1'), {
      submits: 3,
      jobs: 1,
      faults: ['unavailable', 'unavailable'],
    });
  });

  it('when forced faults are given anew, their uses count from zero again', async (t) => {
    const forced = { 'r-1': { fault: 'forbidden' as const, times: 1 } };
    const sim = await simulatorFor(t, { sources: { crm: { forced } } });
    const client = clientFor(t);
    const statuses: number[] = [];

    statuses.push((await submit(client, sim.sourceUrl('crm'), 'r-1')).status);
    sim.updateSource('crm', { retryAfterSec: 2 });
    statuses.push((await submit(client, sim.sourceUrl('crm'), 'r-1')).status);
    sim.updateSource('crm', { forced });
    statuses.push((await submit(client, sim.sourceUrl('crm'), 'r-1')).status);

    assert.deepEqual(statuses, [403, 202, 403]);
  });

  it('when permanent answers are forced, they come as 401, 403 and 422 with codes', async (t) => {
    const sim = await simulatorFor(t, {
      sources: {
        crm: {
          forced: {
            'r-401': { fault: 'unauthorized' },
            'r-403': { fault: 'forbidden' },
            'r-422': { fault: 'unprocessable' },
          },
        },
      },
    });
    const client = clientFor(t);

    const revoked = await submit(client, sim.sourceUrl('crm'), 'r-401');
    const forbidden = await submit(client, sim.sourceUrl('crm'), 'r-403');
    const rejected = await submit(client, sim.sourceUrl('crm'), 'r-422');

    assert.deepEqual([revoked.status, forbidden.status, rejected.status], [401, 403, 422]);
    assert.deepEqual(
      [revoked.body.error, forbidden.body.error, rejected.body.error],
      ['token_revoked', 'forbidden', 'unprocessable'],
    );
    assert.equal(
      revoked.headers['www-authenticate'],
      'Bearer realm="crm", error="invalid_token", error_description="the credentials were revoked"',
    );
    assert.equal(sim.sourceCounters('crm').jobsStarted, 0);
  });

  it('when the reset rate is 1, every connection is reset before any work', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: { faults: { reset: 1 } } } });
    const client = clientFor(t);

    const code = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));

    assert.equal(code, 'ECONNRESET');
    assert.equal(sim.sourceCounters('crm').byStatus.reset, 1);
    assert.equal(sim.sourceCounters('crm').jobsStarted, 0);
  });

  it('when an answer is slow, the client times out after the job was started', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { slowDelayMs: 120_000, forced: { 'r-1': { fault: 'slow' } } } },
    });
    const client = clientFor(t, { headersTimeout: 200 });

    const code = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));

    assert.equal(code, 'UND_ERR_HEADERS_TIMEOUT');
    assert.equal(sim.sourceCounters('crm').jobsStarted, 1);
    const counters = await waitFor(
      () => (sim.sourceCounters('crm').inFlight === 0 ? sim.sourceCounters('crm') : undefined),
      { description: 'the abandoned request to end' },
    );
    assert.equal(counters.byStatus.aborted, 1);
  });

  it('when faults strike a request id, its counters list them in order', async (t) => {
    const sim = await simulatorFor(t, {
      sources: {
        crm: { job: { failRate: 1 }, forced: { 'r-1': { fault: 'server-error', times: 1 } } },
      },
    });
    const client = clientFor(t);
    const base = sim.sourceUrl('crm');

    await submit(client, base, 'r-1');
    const submitted = await submit(client, base, 'r-1');
    sim.updateSource('crm', { faults: { unavailable: 1 } });
    const poll = await call(client, `${base}/jobs/${String(submitted.body.job_id)}`);
    const all = await call(client, `${sim.url}/control/sources/crm/request-ids`);

    assert.equal(poll.status, 503);
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1').faults, [
      'server-error',
      'job-failed',
      'unavailable',
    ]);
    assert.deepEqual(all.body, {
      'r-1': { submits: 2, jobs: 1, faults: ['server-error', 'job-failed', 'unavailable'] },
    });
  });

  it('when a fault rate is changed at run time, the next requests follow it', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const before = await call(client, `${sim.sourceUrl('crm')}/jobs/any`);
    sim.updateSource('crm', { faults: { serverError: 1 } });
    const after = await call(client, `${sim.sourceUrl('crm')}/jobs/any`);

    assert.equal(before.status, 404);
    assert.equal(after.status, 500);
    assert.equal(after.body.error, 'internal_error');
  });
});
