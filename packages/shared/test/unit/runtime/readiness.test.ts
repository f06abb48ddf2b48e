import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Readiness } from '../../../src/runtime/readiness';

describe('readiness', () => {
  it('is ready when every check passes', async () => {
    const readiness = new Readiness();
    readiness.register('consumer', () => true);
    readiness.register('broker', async () => ({ ok: true, detail: '1 broker' }));

    const report = await readiness.evaluate();

    assert.equal(report.ready, true);
    assert.deepEqual(report.checks, {
      consumer: { ok: true },
      broker: { ok: true, detail: '1 broker' },
    });
  });

  it('is not ready when a check fails, and says which', async () => {
    const readiness = new Readiness();
    readiness.register('consumer', () => true);
    readiness.register('registry', () => ({ ok: false, detail: 'connection refused' }));

    const report = await readiness.evaluate();

    assert.equal(report.ready, false);
    assert.deepEqual(report.checks.registry, { ok: false, detail: 'connection refused' });
  });

  it('counts a check that throws as failed, with its message', async () => {
    const readiness = new Readiness();
    readiness.register('broker', () => {
      throw new Error('no brokers');
    });

    const report = await readiness.evaluate();

    assert.deepEqual(report.checks.broker, { ok: false, detail: 'no brokers' });
  });

  it('counts a check that does not answer in time as failed', async () => {
    const readiness = new Readiness({ checkTimeoutMs: 20 });
    readiness.register('stuck', () => new Promise<boolean>(() => undefined));

    const report = await readiness.evaluate();

    assert.deepEqual(report.checks.stuck, { ok: false, detail: 'no answer within 20 ms' });
  });

  it('is never ready once draining, whatever its checks say', async () => {
    const readiness = new Readiness();
    readiness.register('consumer', () => true);
    readiness.markDraining();

    const report = await readiness.evaluate();

    assert.equal(report.ready, false);
    assert.equal(report.draining, true);
  });
});
