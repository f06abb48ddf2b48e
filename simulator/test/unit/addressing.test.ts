import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, clientFor, order, simulatorFor } from './harness';

describe('addressing', () => {
  it('when a source has its own port, it answers with or without the source prefix', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {}, other: {} } });
    const client = clientFor(t);
    const origin = new URL(sim.sourceUrl('crm')).origin;
    const headers = { 'idempotency-key': 'k-1' };

    const bare = await call(client, `${origin}/jobs`, { body: order('r-1'), headers });
    const prefixed = await call(client, `${origin}/sources/crm/jobs`, {
      body: order('r-1'),
      headers,
    });
    const foreign = await call(client, `${origin}/sources/other/jobs`, {
      body: order('r-1'),
      headers,
    });
    const control = await call(client, `${origin}/control/counters`);

    assert.equal(bare.status, 202);
    assert.equal(prefixed.body.job_id, bare.body.job_id);
    assert.equal(foreign.status, 404);
    assert.equal(control.status, 404);
    assert.equal(sim.sourceCounters('other').requests, 0);
  });

  it('when a route does not exist, it answers 404 not_found', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.url}/sources/crm/nothing-here`);

    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, 'not_found');
  });

  it('when a body is not JSON, it answers 400 and counts it under 400', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const response = await client.request({
      origin: sim.url,
      path: '/sources/crm/jobs',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body: '{"request_id":',
    });
    const body = (await response.body.json()) as Record<string, unknown>;

    assert.equal(response.statusCode, 400);
    assert.equal(body.error, 'invalid_request');
    assert.deepEqual(sim.sourceCounters('crm').byStatus, { '400': 1 });
    assert.equal(sim.sourceCounters('crm').inFlight, 0);
  });

  it('when the simulator binds every interface, its URLs use the loopback address', async (t) => {
    const sim = await simulatorFor(t, { host: '0.0.0.0', sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.url}/healthz`);

    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.sourceUrl('crm'), /^http:\/\/127\.0\.0\.1:\d+\/sources\/crm$/);
    assert.deepEqual(answer.body, { ok: true });
  });
});
