import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/logging/logger';
import { closeOnSignals } from '../../../src/runtime/signals';
import { ShutdownCoordinator, type ShutdownReport } from '../../../src/runtime/shutdown';

const logger = createLogger({ service: 'test', level: 'silent' });

function exitRecorder() {
  const codes: number[] = [];
  let resolveExit: (report: ShutdownReport) => void = () => undefined;
  const exited = new Promise<ShutdownReport>((resolve) => (resolveExit = resolve));
  const exit = (code: number, report: ShutdownReport) => {
    codes.push(code);
    resolveExit(report);
  };
  return { codes, exited, exit };
}

describe('closing on signals', () => {
  it('closes once on SIGTERM and exits 0 when every step succeeded', async (t) => {
    const coordinator = new ShutdownCoordinator({ logger });
    let runs = 0;
    coordinator.register('close', 'client', () => void (runs += 1));
    const recorder = exitRecorder();
    t.after(closeOnSignals(coordinator, { logger, signals: ['SIGUSR2'], exit: recorder.exit }));

    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    const report = await recorder.exited;

    assert.equal(report.reason, 'SIGUSR2');
    assert.deepEqual(recorder.codes, [0]);
    assert.equal(runs, 1);
  });

  it('exits 1 when a step failed', async (t) => {
    const coordinator = new ShutdownCoordinator({ logger });
    coordinator.register('flush', 'producer', () => Promise.reject(new Error('flush failed')));
    const recorder = exitRecorder();
    t.after(closeOnSignals(coordinator, { logger, signals: ['SIGUSR2'], exit: recorder.exit }));

    process.emit('SIGUSR2', 'SIGUSR2');
    await recorder.exited;

    assert.deepEqual(recorder.codes, [1]);
  });
});
