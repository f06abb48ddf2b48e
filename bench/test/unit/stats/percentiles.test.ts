import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantile, summarize } from '../../../src/stats/percentiles';

describe('quantile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('when asked for p50 of 1..100, returns the 50th sample', () => {
    assert.equal(quantile(hundred, 0.5), 50);
  });

  it('when asked for p99 of 1..100, returns the 99th sample, never an interpolated value', () => {
    assert.equal(quantile(hundred, 0.99), 99);
    assert.equal(quantile([10, 20, 30], 0.99), 30);
  });

  it('when there are no samples, returns NaN', () => {
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});

describe('summarize', () => {
  it('when samples are unsorted, sorts a copy and reports count, p50, p99 and max', () => {
    const samples = [5, 1, 4, 2, 3];
    assert.deepEqual(summarize(samples), { count: 5, p50Ms: 3, p99Ms: 5, maxMs: 5 });
    assert.deepEqual(samples, [5, 1, 4, 2, 3]);
  });

  it('when there are no samples, reports a count of 0 and NaN values', () => {
    const summary = summarize([]);
    assert.equal(summary.count, 0);
    assert.ok(Number.isNaN(summary.maxMs));
  });
});
