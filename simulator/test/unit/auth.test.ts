import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, simulatorFor, submit } from './harness';

describe('authentication', () => {
  it('when a bearer token is missing or wrong, it answers 401', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { auth: { kind: 'bearer', token: 'good-token' } } },
    });
    const client = clientFor(t);
    const base = sim.sourceUrl('crm');

    const missing = await submit(client, base, 'r-1');
    const wrong = await submit(client, base, 'r-1', 'k', { authorization: 'Bearer bad-token' });
    const basic = await submit(client, base, 'r-1', 'k', { authorization: 'Basic good-token' });
    const right = await submit(client, base, 'r-1', 'k', { authorization: 'Bearer good-token' });

    assert.equal(missing.status, 401);
    assert.equal(missing.body.error, 'unauthorized');
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="crm"');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['www-authenticate'], 'Bearer realm="crm", error="invalid_token"');
    assert.equal(basic.status, 401);
    assert.equal(right.status, 202);
    assert.equal(sim.sourceCounters('crm').jobsStarted, 1);
  });

  it('when a source takes an API key, only its header with the key passes', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { auth: { kind: 'api-key', header: 'X-Vendor-Key', key: 'k3y' } } },
    });
    const client = clientFor(t);
    const base = sim.sourceUrl('crm');

    const wrongHeader = await submit(client, base, 'r-1', 'k', { 'x-api-key': 'k3y' });
    const right = await submit(client, base, 'r-1', 'k', { 'x-vendor-key': 'k3y' });

    assert.equal(wrongHeader.status, 401);
    assert.equal(right.status, 202);
  });

  it('when the token is rotated at run time, the old one is refused as revoked', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { auth: { kind: 'bearer', token: 'old' } } },
    });
    const client = clientFor(t);

    const before = await submit(client, sim.sourceUrl('crm'), 'r-1', 'k', {
      authorization: 'Bearer old',
    });
    sim.updateSource('crm', { auth: { kind: 'bearer', token: 'new' } });
    const after = await submit(client, sim.sourceUrl('crm'), 'r-1', 'k', {
      authorization: 'Bearer old',
    });

    assert.equal(before.status, 202);
    assert.equal(after.status, 401);
  });

  it('when one source needs a token, another without auth still answers', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { locked: { auth: { kind: 'bearer', token: 'x' } }, open: {} },
    });
    const client = clientFor(t);

    const locked = await submit(client, sim.sourceUrl('locked'), 'r-1');
    const open = await submit(client, sim.sourceUrl('open'), 'r-1');

    assert.equal(locked.status, 401);
    assert.equal(open.status, 202);
  });
});
