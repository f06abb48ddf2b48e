import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../../src/schedule/token-bucket';

describe('TokenBucket', () => {
  it('when full → it allows a burst of its capacity, then refuses', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3 }, 0);
    const taken = [1, 2, 3, 4].map(() => bucket.tryTake(0));
    assert.deepEqual(taken, [true, true, true, false]);
  });

  it('when empty → it refills at its rate and says how long until the next token', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 }, 0);
    bucket.tryTake(0);

    assert.equal(bucket.waitMs(0), 100);
    assert.equal(bucket.waitMs(40), 60);
    assert.equal(bucket.tryTake(99), false);
    assert.equal(bucket.tryTake(100), true);
  });

  it('when idle for long → it holds no more than its capacity', () => {
    const bucket = new TokenBucket({ ratePerSecond: 100, burst: 2 }, 0);
    bucket.tryTake(0);
    bucket.tryTake(0);

    const taken = [1, 2, 3].map(() => bucket.tryTake(60_000));
    assert.deepEqual(taken, [true, true, false]);
  });

  it('when the clock goes backwards → it neither adds tokens nor fails', () => {
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 }, 1_000);
    bucket.tryTake(1_000);

    assert.equal(bucket.tryTake(500), false);
    assert.equal(bucket.tryTake(2_000), true);
  });
});
