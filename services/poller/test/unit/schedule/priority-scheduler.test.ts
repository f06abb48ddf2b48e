import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PriorityScheduler, type Lane } from '../../../src/schedule/priority-scheduler';

interface Item {
  id: string;
  lane: Lane;
  sourceSystem: string;
}

const item = (id: string, lane: Lane, sourceSystem = 'crm'): Item => ({ id, lane, sourceSystem });
const always = () => true;

describe('PriorityScheduler', () => {
  it('when both lanes wait → it hands out every high task before any standard one', () => {
    const scheduler = new PriorityScheduler<Item>();
    for (let i = 0; i < 5; i += 1) scheduler.enqueue(item(`s${i}`, 'standard'));
    scheduler.enqueue(item('h0', 'high'));
    scheduler.enqueue(item('h1', 'high'));

    const order = [1, 2, 3].map(() => scheduler.take(always)?.id);
    assert.deepEqual(order, ['h0', 'h1', 's0']);
    assert.equal(scheduler.sizeOf('standard'), 4);
  });

  it('when a high task arrives behind a standard backlog → the next free slot goes to it', () => {
    const scheduler = new PriorityScheduler<Item>();
    for (let i = 0; i < 1000; i += 1) scheduler.enqueue(item(`s${i}`, 'standard'));
    scheduler.take(always);
    scheduler.enqueue(item('urgent', 'high'));

    assert.equal(scheduler.take(always)?.id, 'urgent');
  });

  it('when a source cannot start work → its tasks are skipped and other sources still get slots', () => {
    const scheduler = new PriorityScheduler<Item>();
    scheduler.enqueue(item('slow-1', 'high', 'slow'));
    scheduler.enqueue(item('fast-1', 'standard', 'fast'));

    const taken = scheduler.take((source) => source !== 'slow');
    assert.equal(taken?.id, 'fast-1');
    assert.equal(scheduler.sizeOf('high'), 1);
  });

  it('when several sources wait in one lane → it visits them in turn', () => {
    const scheduler = new PriorityScheduler<Item>();
    for (const id of ['a1', 'a2', 'a3']) scheduler.enqueue(item(id, 'standard', 'a'));
    for (const id of ['b1', 'b2']) scheduler.enqueue(item(id, 'standard', 'b'));

    const order = [1, 2, 3, 4, 5].map(() => scheduler.take(always)?.id);
    assert.deepEqual(order, ['a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('when admit refuses a source → it is asked once per lane and the task stays queued', () => {
    const scheduler = new PriorityScheduler<Item>();
    scheduler.enqueue(item('x', 'high', 'limited'));
    scheduler.enqueue(item('y', 'standard', 'limited'));
    const asked: string[] = [];

    const taken = scheduler.take((source) => {
      asked.push(source);
      return false;
    });
    assert.equal(taken, undefined);
    assert.deepEqual(asked, ['limited', 'limited']);
    assert.equal(scheduler.size, 2);
  });

  it('when tasks are removed by a predicate → they are returned and the counts follow', () => {
    const scheduler = new PriorityScheduler<Item>();
    scheduler.enqueue(item('keep', 'high'));
    scheduler.enqueue(item('drop-1', 'high'));
    scheduler.enqueue(item('drop-2', 'standard'));

    const removed = scheduler.removeWhere((i) => i.id.startsWith('drop'));
    assert.deepEqual(removed.map((i) => i.id).sort(), ['drop-1', 'drop-2']);
    assert.equal(scheduler.size, 1);
    assert.equal(scheduler.take(always)?.id, 'keep');
  });
});
