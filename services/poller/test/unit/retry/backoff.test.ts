import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from '../../../src/retry/backoff';

const options = { initialDelayMs: 1_000, maxDelayMs: 30_000, multiplier: 2, jitterRatio: 0.5 };

describe('backoffDelayMs', () => {
  it('when there is no jitter draw → the delays grow by the multiplier', () => {
    const delays = [0, 1, 2, 3].map((step) => backoffDelayMs(options, step, () => 0));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000]);
  });

  it('when the delay passes the cap → it stays at the cap', () => {
    assert.equal(
      backoffDelayMs(options, 10, () => 0),
      30_000,
    );
    assert.equal(
      backoffDelayMs(options, 1_000, () => 0),
      30_000,
    );
  });

  it('when jitter is drawn → the delay is reduced by at most the jitter ratio', () => {
    assert.equal(
      backoffDelayMs(options, 2, () => 0.5),
      3_000,
    );
    assert.equal(
      backoffDelayMs(options, 2, () => 0.999_999),
      2_000,
    );
  });

  it('when drawn many times → every delay lies within [delay × (1 − ratio), delay]', () => {
    for (let i = 0; i < 1_000; i += 1) {
      const delay = backoffDelayMs(options, 3);
      assert.ok(delay >= 4_000 && delay <= 8_000, `delay ${delay} out of range`);
    }
  });
});
