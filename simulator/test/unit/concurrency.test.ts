import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { waitFor } from '../../../test/support/wait-for';
import { call, clientFor, simulatorFor, submit } from './harness';

// Answers given before any work: these submits started no job.
const EARLY_STATUSES = ['500', '429', '503', '401', '403', '422'];

function countOf(byStatus: Record<string, number>, statuses: string[]): number {
  return statuses.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
}

describe('concurrency counters', () => {
  it('when requests overlap, the peak counts them per source and globally', async (t) => {
    // A latency far beyond the test holds every request open until the client gives up.
    const sim = await simulatorFor(t, {
      sources: { a: { latency: 600_000 }, b: { latency: 600_000 } },
    });
    const client = clientFor(t, { connections: 20 });
    const held = [
      ...Array.from({ length: 3 }, () => `${sim.sourceUrl('a')}/jobs/x`),
      ...Array.from({ length: 5 }, () => `${sim.sourceUrl('b')}/jobs/x`),
    ].map((url) => request(url, { dispatcher: client }).catch((error: unknown) => error));

    await waitFor(() => sim.counters().inFlight === 8, { description: '8 requests in flight' });
    await client.destroy();
    await Promise.all(held);
    await waitFor(() => sim.counters().inFlight === 0, { description: 'no request in flight' });

    const counters = sim.counters();
    assert.equal(counters.peakInFlight, 8);
    assert.equal(counters.sources.a?.peakInFlight, 3);
    assert.equal(counters.sources.b?.peakInFlight, 5);
    assert.equal(counters.sources.b?.byStatus.aborted, 5);
  });

  it('when a request body is still arriving, the request already counts in flight', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);
    const body = new PassThrough();
    body.write('{"request_id":"r-1",');

    const pending = request(`${sim.sourceUrl('crm')}/jobs`, {
      dispatcher: client,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body,
    });
    await waitFor(() => sim.sourceCounters('crm').inFlight === 1, {
      description: 'the request to count while its body streams',
    });
    body.end('"action":"deletion","subject":"ada@example.test"}');
    const response = await pending;
    await response.body.dump();

    assert.equal(response.statusCode, 202);
    assert.equal(sim.sourceCounters('crm').inFlight, 0);
    assert.equal(sim.sourceCounters('crm').peakInFlight, 1);
  });

  it('when a cap on requests at once is exceeded, the excess gets 429', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { latency: 600_000, maxInFlight: 2, retryAfterSec: 3 } },
    });
    const client = clientFor(t, { connections: 4 });
    const held = [1, 2].map(() =>
      request(`${sim.sourceUrl('crm')}/jobs/x`, { dispatcher: client }).catch(
        (error: unknown) => error,
      ),
    );
    await waitFor(() => sim.sourceCounters('crm').inFlight === 2, { description: '2 held' });

    const excess = await call(client, `${sim.sourceUrl('crm')}/jobs/x`);

    assert.equal(excess.status, 429);
    assert.equal(excess.body.error, 'too_many_concurrent_requests');
    assert.equal(excess.headers['retry-after'], '3');
    await client.destroy();
    await Promise.all(held);
  });

  it('when a burst meets every kind of fault, each request is counted out once', async (t) => {
    const sim = await simulatorFor(t, {
      seed: 5,
      sources: {
        crm: {
          latency: { kind: 'uniform', minMs: 0, maxMs: 5 },
          slowDelayMs: 20,
          faults: {
            serverError: 0.1,
            rateLimited: 0.05,
            unavailable: 0.05,
            reset: 0.1,
            unauthorized: 0.05,
            forbidden: 0.05,
            unprocessable: 0.05,
            slow: 0.1,
            lostResponse: 0.1,
          },
        },
      },
    });
    const client = clientFor(t, { connections: 30 });
    const attempts = Array.from({ length: 300 }, (_, index) =>
      submit(client, sim.sourceUrl('crm'), `r-${index}`).catch(() => undefined),
    );

    await Promise.all(attempts);
    const counters = await waitFor(() => sim.counters().inFlight === 0 && sim.counters(), {
      description: 'every request to be counted out',
    });

    const crm = counters.sources.crm!;
    const outcomes = Object.values(crm.byStatus).reduce((sum, count) => sum + count, 0);
    assert.equal(crm.requests, 300);
    assert.equal(outcomes, 300);
    assert.equal(counters.requests, 300);
    assert.ok((crm.byStatus.reset ?? 0) > 0 && (crm.byStatus['202'] ?? 0) > 0);
    // Resets before and after the work look alike from outside, hence the bounds.
    assert.ok(crm.jobsStarted >= (crm.byStatus['202'] ?? 0));
    assert.ok(crm.jobsStarted <= crm.submits - countOf(crm.byStatus, EARLY_STATUSES));
    assert.equal(crm.idempotentReplays, 0);
  });

  it('when requests follow one another, the peak stays at one', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    for (let index = 0; index < 50; index += 1) {
      await call(client, `${sim.sourceUrl('crm')}/jobs/x`);
    }

    assert.equal(sim.counters().peakInFlight, 1);
    assert.equal(sim.sourceCounters('crm').requests, 50);
  });

  it('when counters are reset, the peak restarts from what is in flight', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: { latency: 600_000 } } });
    const client = clientFor(t, { connections: 4 });
    const held = [1, 2, 3].map(() =>
      request(`${sim.sourceUrl('crm')}/jobs/x`, { dispatcher: client }).catch(
        (error: unknown) => error,
      ),
    );
    await waitFor(() => sim.counters().inFlight === 3, { description: '3 requests in flight' });

    await client.destroy();
    await Promise.all(held);
    await waitFor(() => sim.counters().inFlight === 0, { description: 'no request in flight' });
    sim.resetCounters();

    assert.equal(sim.counters().peakInFlight, 0);
    assert.equal(sim.sourceCounters('crm').peakInFlight, 0);
    assert.equal(sim.sourceCounters('crm').requests, 0);
  });
});
