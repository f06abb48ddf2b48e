import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/support/wait-for';
import { clientFor, failureCode, simulatorFor, submit } from './harness';

describe('outages', () => {
  it('when a source is down in refuse mode, its own port refuses connections', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {}, other: {} } });
    const client = clientFor(t);
    const before = sim.sourceUrl('crm');

    await sim.takeDown('crm', 'refuse');
    const refused = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));
    const shared = await failureCode(submit(client, sim.sharedSourceUrl('crm'), 'r-1'));
    const other = await submit(client, sim.sourceUrl('other'), 'r-1');

    assert.equal(refused, 'ECONNREFUSED');
    assert.equal(shared, 'ECONNRESET');
    assert.equal(other.status, 202);
    assert.equal(sim.sourceCounters('crm').jobsStarted, 0);

    await sim.bringUp('crm');
    const back = await submit(client, sim.sourceUrl('crm'), 'r-1');

    assert.equal(sim.sourceUrl('crm'), before);
    assert.equal(back.status, 202);
  });

  it('when a source is down in unavailable mode, it answers 503 with Retry-After', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: { retryAfterSec: 30 } } });
    const client = clientFor(t);

    await sim.takeDown('crm', 'unavailable');
    const answer = await submit(client, sim.sourceUrl('crm'), 'r-1');

    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '30');
    assert.equal(answer.body.error, 'unavailable');
  });

  it('when a source is down in reset mode, every connection is reset', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    await sim.takeDown('crm', 'reset');
    const code = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));

    assert.equal(code, 'ECONNRESET');
    assert.equal(sim.sourceCounters('crm').byStatus.reset, 1);
  });

  it('when a source flaps, connections are refused while it is down, then accepted', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { flap: { upMs: 10, downMs: 600_000 } } },
    });
    const client = clientFor(t);

    const refused = await waitFor(
      async () => {
        const code = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1')).catch(
          () => undefined,
        );
        return code === 'ECONNREFUSED' && code;
      },
      { description: 'the flap to take the source down', intervalMs: 5 },
    );
    const duringDown = sim.describeSource('crm').outage;
    sim.updateSource('crm', { flap: null });
    const back = await waitFor(
      async () => {
        const answer = await submit(client, sim.sourceUrl('crm'), 'r-1').catch(() => undefined);
        return answer?.status === 202 && answer;
      },
      { description: 'the source to listen again', intervalMs: 5 },
    );

    assert.equal(refused, 'ECONNREFUSED');
    assert.equal(duringDown, 'refuse');
    assert.equal(back.status, 202);
    assert.equal(sim.describeSource('crm').outage, null);
  });

  it('when an outage changes from refuse to reset, the own port listens again', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    await sim.takeDown('crm', 'refuse');
    await sim.takeDown('crm', 'reset');
    const code = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));

    assert.equal(code, 'ECONNRESET');
  });
});
