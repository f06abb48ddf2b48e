import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, clientFor, manualClock, simulatorFor } from './harness';

describe('rate limit', () => {
  it('when the bucket is empty, it answers 429 + Retry-After until a refill', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { crm: { rateLimit: { ratePerSec: 0.5, burst: 3 } } },
    });
    const client = clientFor(t);
    const url = `${sim.sourceUrl('crm')}/jobs/any`;

    const burst = [await call(client, url), await call(client, url), await call(client, url)];
    const limited = await call(client, url);
    clock.advance(1_999);
    const stillLimited = await call(client, url);
    clock.advance(1);
    const refilled = await call(client, url);

    assert.deepEqual(
      burst.map((answer) => answer.status),
      [404, 404, 404],
    );
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2');
    assert.equal(limited.body.error, 'rate_limited');
    assert.equal(stillLimited.status, 429);
    assert.equal(stillLimited.headers['retry-after'], '1');
    assert.equal(refilled.status, 404);
    assert.equal(sim.sourceCounters('crm').byStatus['429'], 2);
  });

  it('when one source is limited, another source is not', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { slow: { rateLimit: { ratePerSec: 1, burst: 1 } }, fast: {} },
    });
    const client = clientFor(t);

    await call(client, `${sim.sourceUrl('slow')}/jobs/any`);
    const limited = await call(client, `${sim.sourceUrl('slow')}/jobs/any`);
    const other = await call(client, `${sim.sourceUrl('fast')}/jobs/any`);

    assert.equal(limited.status, 429);
    assert.equal(other.status, 404);
  });

  it('when the limit is lifted at run time, requests pass again', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { crm: { rateLimit: { ratePerSec: 1, burst: 1 } } },
    });
    const client = clientFor(t);

    await call(client, `${sim.sourceUrl('crm')}/jobs/any`);
    const limited = await call(client, `${sim.sourceUrl('crm')}/jobs/any`);
    sim.updateSource('crm', { rateLimit: null });
    const lifted = await call(client, `${sim.sourceUrl('crm')}/jobs/any`);

    assert.equal(limited.status, 429);
    assert.equal(lifted.status, 404);
  });
});
