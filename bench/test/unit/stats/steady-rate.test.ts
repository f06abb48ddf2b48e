import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { steadyRate } from '../../../src/stats/steady-rate';

describe('steadyRate', () => {
  it('when events come every 10 ms, reports 100 per second whatever the order', () => {
    const times = Array.from({ length: 1_000 }, (_, i) => 5_000 + i * 10).reverse();
    assert.equal(steadyRate(times), 100);
  });

  it('when a slow start and a long tail surround a steady middle, reports the middle', () => {
    const start = Array.from({ length: 100 }, (_, i) => i * 100);
    const middle = Array.from({ length: 800 }, (_, i) => 20_000 + i * 5);
    const tail = Array.from({ length: 100 }, (_, i) => 30_000 + i * 100);
    const rate = steadyRate([...start, ...middle, ...tail]);
    assert.ok(rate > 190 && rate <= 200, `rate ${rate}`);
  });

  it('when there are too few events to speak of a rate, returns NaN', () => {
    assert.ok(Number.isNaN(steadyRate([1, 2, 3])));
  });
});
