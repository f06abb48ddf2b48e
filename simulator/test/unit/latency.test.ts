import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isZeroLatency, latencySampler } from '../../src/random/latency';
import { deriveSeed, seededRandom } from '../../src/random/prng';

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(fraction * (sorted.length - 1))] ?? Number.NaN;
}

describe('latency', () => {
  it('when lognormal, the samples have about the given median and 99th percentile', () => {
    const sample = latencySampler({ kind: 'lognormal', p50Ms: 20, p99Ms: 400 }, seededRandom(11));
    const samples = Array.from({ length: 50_000 }, () => sample());

    const p50 = percentile(samples, 0.5);
    const p99 = percentile(samples, 0.99);
    assert.ok(Math.abs(p50 - 20) < 1, `p50 ${p50}`);
    assert.ok(Math.abs(p99 - 400) < 40, `p99 ${p99}`);
  });

  it('when uniform, every sample lies within the bounds', () => {
    const sample = latencySampler({ kind: 'uniform', minMs: 5, maxMs: 15 }, seededRandom(3));
    const samples = Array.from({ length: 1_000 }, () => sample());

    assert.ok(samples.every((value) => value >= 5 && value < 15));
    assert.ok(percentile(samples, 0.1) < 7 && percentile(samples, 0.9) > 13);
  });

  it('when zero in any form, the sampler can be skipped', () => {
    assert.equal(isZeroLatency(0), true);
    assert.equal(isZeroLatency({ kind: 'fixed', ms: 0 }), true);
    assert.equal(isZeroLatency({ kind: 'uniform', minMs: 0, maxMs: 0 }), true);
    assert.equal(isZeroLatency({ kind: 'fixed', ms: 1 }), false);
  });
});

describe('seeded random streams', () => {
  it('when seeded alike, they repeat; when streams differ, they diverge', () => {
    const draw = (seed: number): number[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };

    assert.deepEqual(draw(deriveSeed(1, 'crm/faults')), draw(deriveSeed(1, 'crm/faults')));
    assert.notDeepEqual(draw(deriveSeed(1, 'crm/faults')), draw(deriveSeed(1, 'crm/latency')));
    assert.ok(draw(42).every((value) => value >= 0 && value < 1));
  });
});
