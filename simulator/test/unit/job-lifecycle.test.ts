import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, clientFor, manualClock, simulatorFor, submit } from './harness';

describe('asynchronous jobs', () => {
  it('when time passes, a job goes pending, running, then done with its result', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { crm: { job: { pendingMs: 1_000, durationMs: 5_000 }, resultRecords: 2 } },
    });
    const client = clientFor(t);
    const base = sim.sourceUrl('crm');

    const submitted = await submit(client, base, 'r-1');
    const jobUrl = `${base}/jobs/${String(submitted.body.job_id)}`;
    const pending = await call(client, jobUrl);
    clock.advance(1_000);
    const running = await call(client, jobUrl);
    const early = await call(client, `${jobUrl}/result`);
    clock.advance(5_000);
    const done = await call(client, jobUrl);
    const result = await call(client, `${jobUrl}/result`);

    assert.equal(submitted.body.status, 'pending');
    assert.equal(pending.body.status, 'pending');
    assert.equal(running.body.status, 'running');
    assert.equal(early.status, 409);
    assert.equal(done.body.status, 'done');
    assert.equal(done.body.result_url, `/sources/crm/jobs/${String(submitted.body.job_id)}/result`);
    assert.deepEqual(result.body, done.body.result);
    assert.equal((result.body.records as unknown[]).length, 2);
  });

  it('when a job is forced to fail, it ends failed with an error and no result', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { crm: { job: { durationMs: 100 }, forced: { 'r-1': { fault: 'job-failed' } } } },
    });
    const client = clientFor(t);

    const submitted = await submit(client, sim.sourceUrl('crm'), 'r-1');
    clock.advance(100);
    const failed = await call(
      client,
      `${sim.sourceUrl('crm')}/jobs/${String(submitted.body.job_id)}`,
    );

    assert.equal(failed.body.status, 'failed');
    assert.deepEqual(failed.body.error, {
      error: 'job_failed',
      message: 'the source could not complete the job',
    });
    assert.equal(failed.body.result, undefined);
  });

  it('when the fail rate is 1, every job fails; deletions carry no result', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: { job: { failRate: 1 } } } });
    const client = clientFor(t);

    const submitted = await call(client, `${sim.sourceUrl('crm')}/jobs`, {
      body: { request_id: 'r-1', action: 'deletion', subject: 'ada@example.test' },
      headers: { 'idempotency-key': 'k-1' },
    });

    assert.equal(submitted.body.status, 'failed');
    assert.equal(submitted.body.action, 'deletion');
    assert.equal(submitted.body.result_url, undefined);
  });

  it('when a finished job outlives its retention, it is forgotten with its key', async (t) => {
    const clock = manualClock();
    const sim = await simulatorFor(t, {
      clock: clock.now,
      sources: { crm: { job: { durationMs: 1_000, retentionMs: 5_000 } } },
    });
    const client = clientFor(t);
    const base = sim.sourceUrl('crm');

    const first = await submit(client, base, 'r-1', 'k-1');
    clock.advance(5_999);
    const kept = await call(client, `${base}/jobs/${String(first.body.job_id)}`);
    clock.advance(1);
    const forgotten = await call(client, `${base}/jobs/${String(first.body.job_id)}`);
    const again = await submit(client, base, 'r-1', 'k-1');

    assert.equal(kept.body.status, 'done');
    assert.equal(forgotten.status, 404);
    assert.notEqual(again.body.job_id, first.body.job_id);
    assert.equal(again.headers['idempotent-replayed'], undefined);
    assert.deepEqual(sim.requestIdCounters('crm', 'r-1'), { submits: 2, jobs: 2, faults: [] });
  });

  it('when a job id is unknown, polling it answers 404', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.sourceUrl('crm')}/jobs/nope`);

    assert.equal(answer.status, 404);
    assert.equal(answer.body.error, 'unknown_job');
  });

  it('when jobs are forgotten on reset, their ids are unknown afterwards', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const submitted = await submit(client, sim.sourceUrl('crm'), 'r-1');
    sim.resetCounters({ jobs: true });
    const answer = await call(
      client,
      `${sim.sourceUrl('crm')}/jobs/${String(submitted.body.job_id)}`,
    );

    assert.equal(answer.status, 404);
  });

  it('when a submit body is malformed, it answers 400 with the reason', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const client = clientFor(t);

    const answer = await call(client, `${sim.sourceUrl('crm')}/jobs`, {
      body: { request_id: 'r-1', action: 'rectification', subject: 'ada@example.test' },
      headers: { 'idempotency-key': 'k-1' },
    });

    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      error: 'invalid_request',
      message: 'a rectification needs at least one change',
    });
  });
});
