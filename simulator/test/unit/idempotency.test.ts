import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, clientFor, failureCode, order, simulatorFor, submit } from './harness';

describe('idempotency keys', () => {
  it('when a submit is repeated with its key, it returns the same job, no new one', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const first = await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1');
    const second = await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1');

    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.job_id, first.body.job_id);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const counters = sim.sourceCounters('crm');
    assert.equal(counters.jobsStarted, 1);
    assert.equal(counters.idempotentReplays, 1);
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1'), { submits: 2, jobs: 1, faults: [] });
  });

  it('when a request is submitted under two keys, the counters show two jobs for it', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1');
    await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-2');
    await submit(client, sim.sourceUrl('crm'), 'r-2', 'k-3');

    const counters = sim.sourceCounters('crm');
    assert.equal(counters.jobsStarted, 3);
    assert.equal(counters.maxJobsPerRequestId, 2);
    assert.deepEqual(counters.requestIdsWithSeveralJobs, ['r-1']);
  });

  it('when a key is reused for another request, it answers 422 and starts nothing', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1');
    const clash = await submit(client, sim.sourceUrl('crm'), 'r-2', 'k-1');

    assert.equal(clash.status, 422);
    assert.equal(clash.body.error, 'idempotency_key_reused');
    assert.equal(sim.sourceCounters('crm').jobsStarted, 1);
  });

  it('when the key header is missing, it answers 400 and starts nothing', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.sourceUrl('crm')}/jobs`, { body: order('r-1') });

    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, 'idempotency_key_required');
    assert.equal(sim.sourceCounters('crm').jobsStarted, 0);
  });

  it('when the answer to a submit is lost, a retry with its key finds the job', async (t) => {
    const sim = await simulatorFor(t, {
      sources: { crm: { forced: { 'r-1': { fault: 'lost-response', times: 1 } } } },
    });
    const client = clientFor(t);

    const lost = await failureCode(submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1'));
    const retried = await submit(client, sim.sourceUrl('crm'), 'r-1', 'k-1');

    assert.equal(lost, 'ECONNRESET');
    assert.equal(retried.status, 202);
    assert.equal(retried.headers['idempotent-replayed'], 'true');
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1'), {
      submits: 2,
      jobs: 1,
      faults: ['lost-response'],
    });
  });

  it('when the synchronous variant is called without a key, each call is new work', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);
    const url = `${sim.sourceUrl('crm')}/requests`;

    const first = await call(client, url, { body: order('r-1') });
    await call(client, url, { body: order('r-1') });
    await call(client, url, { body: order('r-2'), headers: { 'idempotency-key': 'k-2' } });
    const replay = await call(client, url, {
      body: order('r-2'),
      headers: { 'idempotency-key': 'k-2' },
    });

    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'done');
    assert.ok(first.body.result, 'an access answer carries its result');
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1'), { submits: 2, jobs: 2, faults: [] });
    assert.deepEqual(sim.requestIdCounters('crm', 'r-2'), { submits: 2, jobs: 1, faults: [] });
  });
});
