import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, clientFor, failureCode, simulatorFor, submit } from './harness';

describe('control API', () => {
  it('when a source is created over HTTP, it serves requests at the URL it reports', async (t) => {
    const sim = await simulatorFor(t, {});
    const client = clientFor(t);

    const created = await call(client, `${sim.url}/control/sources/crm`, {
      method: 'PUT',
      body: { job: { durationMs: 0 } },
    });
    const again = await call(client, `${sim.url}/control/sources/crm`, { method: 'PUT', body: {} });
    const answer = await submit(client, String(created.body.url), 'r-1');
    const viaShared = await submit(client, String(created.body.sharedUrl), 'r-1');

    assert.equal(created.status, 201);
    assert.equal(again.status, 200);
    assert.equal(created.body.sharedUrl, `${sim.url}/sources/crm`);
    assert.equal(answer.status, 202);
    assert.equal(viaShared.body.job_id, answer.body.job_id);
  });

  it('when knobs are patched, nested faults merge with the current ones', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: { faults: { serverError: 0.1 } } } });
    const client = clientFor(t);

    const patched = await call(client, `${sim.url}/control/sources/crm`, {
      method: 'PATCH',
      body: { faults: { reset: 0.2 }, retryAfterSec: 5 },
    });

    const knobs = patched.body.knobs as { faults: Record<string, number>; retryAfterSec: number };
    assert.equal(patched.status, 200);
    assert.equal(knobs.faults.serverError, 0.1);
    assert.equal(knobs.faults.reset, 0.2);
    assert.equal(knobs.retryAfterSec, 5);
  });

  it('when knobs are invalid, it answers 400 naming each broken option', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.url}/control/sources/crm`, {
      method: 'PATCH',
      body: { faults: { serverError: 2 }, latency: { kind: 'uniform', minMs: 5, maxMs: 1 } },
    });

    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'config_invalid');
    assert.match(String(answer.body.message), /faults\.serverError: /);
    assert.match(String(answer.body.message), /latency: /);
  });

  it('when a source is unknown, control calls answer 404', async (t) => {
    const sim = await simulatorFor(t, {});
    const client = clientFor(t);

    const missing = await call(client, `${sim.url}/control/sources/nope/counters`);

    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });

  it('when an outage is set and lifted over HTTP, the source refuses and comes back', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const down = await call(client, `${sim.url}/control/sources/crm/outage`, {
      method: 'PUT',
      body: { mode: 'refuse' },
    });
    const refused = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1'));
    const up = await call(client, `${sim.url}/control/sources/crm/outage`, { method: 'DELETE' });
    const back = await submit(client, sim.sourceUrl('crm'), 'r-1');

    assert.equal(down.body.outage, 'refuse');
    assert.equal(refused, 'ECONNREFUSED');
    assert.equal(up.body.outage, null);
    assert.equal(back.status, 202);
  });

  it('when an outage or reset body is malformed, it answers 400 and changes nothing', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const outage = await call(client, `${sim.url}/control/sources/crm/outage`, {
      method: 'PUT',
      body: { mode: 'sideways' },
    });
    const reset = await call(client, `${sim.url}/control/reset`, { body: { sources: 'crm' } });

    assert.equal(outage.status, 400);
    assert.match(
      String(outage.body.message),
      /^invalid configuration in the outage body:\n  - mode: /,
    );
    assert.equal(reset.status, 400);
    assert.match(String(reset.body.message), /sources: /);
    assert.equal(sim.describeSource('crm').outage, null);
  });

  it('when counters are read and reset over HTTP, they reflect the traffic', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);
    await submit(client, sim.sourceUrl('crm'), 'r-1');
    await submit(client, sim.sourceUrl('crm'), 'r-1');

    const counters = await call(client, `${sim.url}/control/counters`);
    const perId = await call(client, `${sim.url}/control/sources/crm/request-ids/r-1`);
    const reset = await call(client, `${sim.url}/control/reset`, { body: {} });

    const crm = (counters.body.sources as Record<string, Record<string, unknown>>).crm;
    assert.equal(counters.body.requests, 2);
    assert.equal(crm?.jobsStarted, 1);
    assert.deepEqual(crm?.byStatus, { '202': 2 });
    assert.deepEqual(perId.body, { submits: 2, jobs: 1, faults: [] });
    assert.equal(reset.body.requests, 0);
  });

  it('when a source is deleted, its routes answer unknown_source', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const deleted = await call(client, `${sim.url}/control/sources/crm`, { method: 'DELETE' });
    const gone = await submit(client, `${sim.url}/sources/crm`, 'r-1');

    assert.equal(deleted.status, 204);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error, 'unknown_source');
  });
});
