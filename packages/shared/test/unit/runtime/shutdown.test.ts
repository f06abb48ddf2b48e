import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/logging/logger';
import { ShutdownCoordinator } from '../../../src/runtime/shutdown';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('shutdown coordinator', () => {
  it('runs steps phase by phase, whatever order they were registered in', async () => {
    const coordinator = new ShutdownCoordinator({ logger });
    const order: string[] = [];
    coordinator.register('close', 'consumer', () => void order.push('close consumer'));
    coordinator.register('flush', 'producer', () => void order.push('flush producer'));
    coordinator.register('stop-fetching', 'pause', () => void order.push('pause'));
    coordinator.register('commit', 'offsets', () => void order.push('commit'));
    coordinator.register('drain', 'in-flight', () => void order.push('drain'));
    coordinator.register('close', 'pool', () => void order.push('close pool'));

    const report = await coordinator.shutdown('test');

    assert.deepEqual(order, [
      'pause',
      'drain',
      'commit',
      'flush producer',
      'close consumer',
      'close pool',
    ]);
    assert.equal(report.ok, true);
    assert.equal(report.reason, 'test');
  });

  it('runs every step even when one fails, and reports the failure', async () => {
    const coordinator = new ShutdownCoordinator({ logger });
    const ran: string[] = [];
    coordinator.register('flush', 'producer', () => {
      throw new Error('broker gone');
    });
    coordinator.register('close', 'consumer', () => void ran.push('consumer'));

    const report = await coordinator.shutdown();

    assert.deepEqual(ran, ['consumer']);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.steps.map(({ name, ok, error }) => ({ name, ok, error })),
      [
        { name: 'producer', ok: false, error: 'broker gone' },
        { name: 'consumer', ok: true, error: undefined },
      ],
    );
  });

  it('abandons a step past the bound, aborts its signal and still runs the next', async () => {
    const coordinator = new ShutdownCoordinator({ logger, timeoutMs: 30, minStepMs: 30 });
    let aborted = false;
    coordinator.register('drain', 'stuck', (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise<void>(() => undefined);
    });
    let closed = false;
    coordinator.register('close', 'client', () => void (closed = true));

    const report = await coordinator.shutdown();

    assert.equal(aborted, true);
    assert.equal(closed, true);
    assert.equal(report.steps[0]?.timedOut, true);
    assert.equal(report.ok, false);
  });

  it('returns the same close when asked twice, running each step once', async () => {
    const coordinator = new ShutdownCoordinator({ logger });
    let runs = 0;
    coordinator.register('close', 'client', () => void (runs += 1));

    const first = coordinator.shutdown('SIGTERM');
    const second = coordinator.shutdown('SIGINT');

    assert.equal(first, second);
    assert.equal((await second).reason, 'SIGTERM');
    assert.equal(runs, 1);
    assert.equal(coordinator.shuttingDown, true);
  });
});
