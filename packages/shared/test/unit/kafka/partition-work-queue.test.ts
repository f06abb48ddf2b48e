import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionWorkQueue } from '../../../src/kafka/partition-work-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PartitionWorkQueue', () => {
  it('when work is queued for one partition → it runs one step at a time, in order', async () => {
    const queue = new PartitionWorkQueue();
    const gate = deferred();
    const steps: string[] = [];

    const first = queue.run('t:0', async () => {
      steps.push('first started');
      await gate.promise;
      steps.push('first ended');
    });
    const second = queue.run('t:0', async () => {
      steps.push('second started');
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(steps, ['first started']);

    gate.resolve();
    await Promise.all([first, second]);
    assert.deepEqual(steps, ['first started', 'first ended', 'second started']);
  });

  it('when work is queued for two partitions → one does not wait for the other', async () => {
    const queue = new PartitionWorkQueue();
    const gate = deferred();
    const blocked = queue.run('t:0', () => gate.promise);

    const other = await queue.run('t:1', async () => 'ran');
    assert.equal(other, 'ran');
    gate.resolve();
    await blocked;
  });

  it('when a step fails → its caller sees the error and the next step still runs', async () => {
    const queue = new PartitionWorkQueue();
    const failed = queue.run('t:0', async () => {
      throw new Error('transaction aborted');
    });
    const next = queue.run('t:0', async () => 'next');

    await assert.rejects(failed, { message: 'transaction aborted' });
    assert.equal(await next, 'next');
  });

  it('when drained → every step queued before has settled', async () => {
    const queue = new PartitionWorkQueue();
    const gate = deferred();
    let settled = false;
    void queue.run('t:0', async () => {
      await gate.promise;
      settled = true;
    });

    const drained = queue.drain();
    gate.resolve();
    await drained;
    assert.equal(settled, true);
  });
});
