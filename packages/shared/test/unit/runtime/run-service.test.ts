import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runService } from '../../../src/runtime/run-service';

// The service's own logger would write to standard output; these tests only read exit codes.
process.env.LOG_LEVEL = 'silent';
const settings = { metricsPort: 0, metricsHost: '127.0.0.1' };

describe('running a service', () => {
  it('closes what started and exits 1 when the start fails', async () => {
    const codes: number[] = [];
    const closed: string[] = [];

    await runService({
      service: 'test',
      settings,
      exit: (code) => void codes.push(code),
      async start({ runtime }) {
        runtime.onShutdown('close', 'client', () => void closed.push('client'));
        throw new Error('broker refused');
      },
    });

    assert.deepEqual(codes, [1]);
    assert.deepEqual(closed, ['client']);
  });

  it('closes in order and exits 1 when the service reports a fatal failure', async () => {
    const codes: number[] = [];
    let fail: ((error: unknown, reason: string) => Promise<void>) | undefined;
    let readyWhileRunning = 0;

    await runService({
      service: 'test',
      settings,
      exit: (code) => void codes.push(code),
      async start(context) {
        fail = context.fail;
        context.runtime.readiness.register('consumer', () => true);
        readyWhileRunning = (await fetch(`${context.runtime.server.url}/readyz`)).status;
      },
    });
    await fail!(new Error('consumer crashed'), 'consumer crashed');

    assert.equal(readyWhileRunning, 200);
    assert.deepEqual(codes, [1]);
  });

  it('exits 1 when the ops endpoint cannot listen', async () => {
    const codes: number[] = [];
    let started = false;

    await runService({
      service: 'test',
      settings: { metricsPort: 1, metricsHost: '203.0.113.1' },
      exit: (code) => void codes.push(code),
      async start() {
        started = true;
      },
    });

    assert.deepEqual(codes, [1]);
    assert.equal(started, false);
  });
});
