import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PartitionTracker } from '../../../src/consume/partition-tracker';

function trackAll(tracker: PartitionTracker, offsets: number[]): void {
  for (const offset of offsets) assert.equal(tracker.track(offset), 'run');
}

describe('PartitionTracker', () => {
  it('when records finish out of order → the commit point stays at the lowest unfinished one', () => {
    const tracker = new PartitionTracker(10);
    trackAll(tracker, [10, 11, 12, 13]);
    tracker.complete(12);
    tracker.complete(13);

    assert.deepEqual(tracker.commitPoint(), { offset: 10, doneAbove: [12, 13] });
    tracker.complete(10);
    assert.deepEqual(tracker.commitPoint(), { offset: 11, doneAbove: [12, 13] });
    tracker.complete(11);
    assert.deepEqual(tracker.commitPoint(), { offset: 14, doneAbove: [] });
    assert.equal(tracker.running, 0);
  });

  it('when offsets have gaps (transaction markers) → the commit point moves past them', () => {
    const tracker = new PartitionTracker(0);
    trackAll(tracker, [0, 2, 5]);
    tracker.complete(0);
    tracker.complete(2);

    assert.deepEqual(tracker.commitPoint(), { offset: 5, doneAbove: [] });
    tracker.complete(5);
    assert.equal(tracker.commitPoint().offset, 6);
  });

  it('when a record is delivered again (after a rebalance) → it is skipped, running or done', () => {
    const tracker = new PartitionTracker(0);
    trackAll(tracker, [0, 1, 2]);
    tracker.complete(0);
    tracker.complete(2);

    assert.equal(tracker.track(0), 'skip');
    assert.equal(tracker.track(1), 'skip');
    assert.equal(tracker.track(2), 'skip');
    assert.equal(tracker.running, 1);
  });

  it('when the previous owner recorded records as done → they are skipped and kept in the map', () => {
    const tracker = new PartitionTracker(100, [102, 103]);
    assert.equal(tracker.track(100), 'run');
    assert.equal(tracker.track(101), 'run');
    assert.equal(tracker.track(102), 'skip');

    assert.deepEqual(tracker.commitPoint(), { offset: 100, doneAbove: [102, 103] });
    tracker.complete(100);
    tracker.complete(101);
    assert.equal(tracker.track(103), 'skip');
    assert.deepEqual(tracker.commitPoint(), { offset: 104, doneAbove: [] });
  });

  it('when a running record is handed back unprocessed → it runs when delivered again', () => {
    const tracker = new PartitionTracker(0);
    trackAll(tracker, [0, 1]);
    tracker.forget(1);

    assert.equal(tracker.running, 1);
    assert.equal(tracker.track(1), 'run');
  });

  it('when a record completes twice → the count of running records is not disturbed', () => {
    const tracker = new PartitionTracker(0);
    trackAll(tracker, [0, 1]);
    tracker.complete(1);
    tracker.complete(1);

    assert.equal(tracker.running, 1);
  });
});
