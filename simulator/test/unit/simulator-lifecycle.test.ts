import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DsrError } from '@dsr/shared';
import { request } from 'undici';
import { waitFor } from '../../../test/support/wait-for';
import { startSimulator } from '../../src';
import { clientFor, simulatorFor } from './harness';

describe('simulator lifecycle', () => {
  it('when closed with requests held, it drops them and resolves', async (t) => {
    const sim = await startSimulator({ sources: { crm: { latency: 600_000 } } });
    const client = clientFor(t);
    const held = request(`${sim.sourceUrl('crm')}/jobs/x`, { dispatcher: client }).then(
      () => 'answered',
      (error: unknown) => String((error as { code?: unknown }).code),
    );
    await waitFor(() => sim.counters().inFlight === 1, { description: 'the request held' });

    const first = sim.close();
    const second = sim.close();
    await first;

    assert.equal(first, second);
    assert.equal(await held, 'UND_ERR_SOCKET');
    const counters = sim.counters();
    assert.equal(counters.inFlight, 0);
    assert.equal(counters.sources.crm?.byStatus.aborted, 1);
  });

  it('when a source knob is invalid at start, it refuses to start', async () => {
    await assert.rejects(
      startSimulator({ sources: { crm: { faults: { serverError: 1.5 } } } }),
      (error: unknown) =>
        error instanceof ConfigError && /knobs of source "crm"/.test(error.message),
    );
  });

  it('when a source name cannot be a path segment, it is refused', async (t) => {
    const sim = await simulatorFor(t, {});

    await assert.rejects(
      sim.configureSource('crm/../x'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          `source name "crm/../x" is not usable: use 1 to 64 letters, digits, '.', '_' or '-'`,
    );
  });

  it('when a source asks for a port in use, it is refused and not defined', async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const taken = Number(new URL(sim.sourceUrl('crm')).port);

    await assert.rejects(sim.configureSource('billing', { port: taken }), {
      name: 'ConfigError',
      message: `source "billing" cannot listen on port ${taken}`,
    });
    assert.equal(sim.findSource('billing'), undefined);
  });

  it('when a source is unknown, its methods throw NOT_FOUND', async (t) => {
    const sim = await simulatorFor(t, {});

    assert.throws(
      () => sim.sourceUrl('nope'),
      (error: unknown) =>
        error instanceof DsrError &&
        error.code === 'NOT_FOUND' &&
        error.message === 'no source system is named "nope"',
    );
  });

  it("when an update changes a source's port, it is refused", async (t) => {
    const sim = await simulatorFor(t, { sources: { crm: {} } });
    const port = Number(new URL(sim.sourceUrl('crm')).port);

    assert.throws(() => sim.updateSource('crm', { port: port === 65_535 ? 1 : port + 1 }), {
      name: 'ConfigError',
      message:
        'port of source "crm" is fixed once it exists; remove the source and define it again',
    });
    sim.updateSource('crm', { port });
  });
});
