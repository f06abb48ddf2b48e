import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@dsr/shared';
import { PeriodicTask } from '../../src/periodic-task';

const silent = createLogger({ service: 'test', level: 'silent' });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('periodic task', () => {
  it('never runs twice at once: a second request joins the run in progress', async () => {
    const gate = deferred();
    let runs = 0;
    const task = new PeriodicTask(
      't',
      60_000,
      async () => {
        runs += 1;
        await gate.promise;
      },
      silent,
    );

    const first = task.runOnce();
    const second = task.runOnce();
    gate.resolve();
    await Promise.all([first, second]);

    assert.equal(runs, 1);
    await task.runOnce();
    assert.equal(runs, 2);
  });

  it('when a run fails, logs it and keeps working', async () => {
    let runs = 0;
    const task = new PeriodicTask(
      't',
      60_000,
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('database away');
      },
      silent,
    );

    await task.runOnce();
    await task.runOnce();

    assert.equal(runs, 2);
  });

  it('close waits for the run in progress and is idempotent', async () => {
    const gate = deferred();
    let finished = false;
    const task = new PeriodicTask(
      't',
      60_000,
      async () => {
        await gate.promise;
        finished = true;
      },
      silent,
    );
    task.start();
    void task.runOnce();

    const closing = task.close();
    assert.equal(task.close(), closing);
    gate.resolve();
    await closing;

    assert.equal(finished, true);
  });
});
