import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../src/source/token-bucket';

describe('token bucket', () => {
  it('when full, it grants its burst, then says how long until the next token', () => {
    const bucket = new TokenBucket({ ratePerSec: 4, burst: 2 }, 0);

    assert.deepEqual(bucket.take(0), { granted: true });
    assert.deepEqual(bucket.take(0), { granted: true });
    assert.deepEqual(bucket.take(0), { granted: false, retryAfterMs: 250 });
    assert.deepEqual(bucket.take(100), { granted: false, retryAfterMs: 150 });
    assert.deepEqual(bucket.take(250), { granted: true });
  });

  it('when idle for long, it holds no more than its burst', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 3 }, 0);

    const grants = Array.from({ length: 5 }, () => bucket.take(60_000).granted);

    assert.deepEqual(grants, [true, true, true, false, false]);
  });
});
