import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bernoulliExpMinus,
  sampleDiscreteLaplace,
  uniformBelow,
} from '../../src/privacy/discrete-laplace';
import { seededRandom } from '../../src/privacy/random-source';
import { parseDecimal, type Rational } from '../../src/privacy/rational';

const SAMPLES = 20_000;

/** P(k) of the discrete Laplace distribution with this scale. */
function pmf(k: number, scale: number): number {
  const p = Math.exp(-1 / scale);
  return ((1 - p) / (1 + p)) * p ** Math.abs(k);
}

function cdf(k: number, scale: number): number {
  let total = 0;
  for (let j = -400; j <= k; j += 1) total += pmf(j, scale);
  return total;
}

function draw(scale: Rational, seed: string): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: SAMPLES }, () => Number(sampleDiscreteLaplace(scale, random)));
}

function ksStatistic(samples: readonly number[], scale: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  let worst = 0;
  for (let k = sorted[0]!; k <= sorted[sorted.length - 1]!; k += 1) {
    const below = upperBound(sorted, k) / sorted.length;
    worst = Math.max(worst, Math.abs(below - cdf(k, scale)));
  }
  return worst;
}

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function chiSquare(samples: readonly number[], scale: number, edge: number): number {
  const observed = new Map<number, number>();
  for (const s of samples) {
    const bin = Math.max(-edge, Math.min(edge, s));
    observed.set(bin, (observed.get(bin) ?? 0) + 1);
  }

  let statistic = 0;
  for (let bin = -edge; bin <= edge; bin += 1) {
    const tail = Math.abs(bin) === edge;
    const p = tail ? 1 - cdf(edge - 1, scale) : pmf(bin, scale);
    const expected = p * samples.length;
    statistic += ((observed.get(bin) ?? 0) - expected) ** 2 / expected;
  }
  return statistic;
}

describe('discrete Laplace sampler', () => {
  for (const [label, scaleText] of [
    ['2 (cap 2, epsilon 1)', '2'],
    ['10/3 (cap 1, epsilon 0.3)', '3.333333333333'],
  ] as const) {
    describe(`with scale ${label}`, () => {
      const scale = parseDecimal(scaleText, 'scale');
      const asNumber = Number(scale.num) / Number(scale.den);
      const samples = draw(scale, `ks-${scaleText}`);

      it('passes a Kolmogorov–Smirnov test against the exact CDF (alpha 0.001)', () => {
        const critical = 1.949 / Math.sqrt(samples.length);

        assert.ok(ksStatistic(samples, asNumber) < critical, `D above ${critical}`);
      });

      it('passes a chi-square goodness-of-fit test on 21 bins (alpha 0.001)', () => {
        // 20 degrees of freedom; the 0.999 quantile of chi-square(20) is 45.31.
        assert.ok(chiSquare(samples, asNumber, 10) < 45.31);
      });

      it('has mean near 0 and the variance 2p/(1-p)^2 of its scale', () => {
        const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
        const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length;
        const p = Math.exp(-1 / asNumber);
        const expected = (2 * p) / (1 - p) ** 2;

        assert.ok(Math.abs(mean) < (4 * Math.sqrt(expected)) / Math.sqrt(samples.length));
        assert.ok(Math.abs(variance / expected - 1) < 0.06, `variance ${variance} vs ${expected}`);
      });
    });
  }

  it('is reproducible under a fixed seed and differs across seeds', () => {
    const scale = parseDecimal('2', 'scale');
    const a = Array.from(
      { length: 50 },
      (
        (r) => () =>
          sampleDiscreteLaplace(scale, r)
      )(seededRandom('x')),
    );
    const b = Array.from(
      { length: 50 },
      (
        (r) => () =>
          sampleDiscreteLaplace(scale, r)
      )(seededRandom('x')),
    );
    const c = Array.from(
      { length: 50 },
      (
        (r) => () =>
          sampleDiscreteLaplace(scale, r)
      )(seededRandom('y')),
    );

    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('draws uniform integers without modulo bias', () => {
    const random = seededRandom('uniform');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[Number(uniformBelow(3n, random))]! += 1;

    for (const count of counts) assert.ok(Math.abs(count - 10_000) < 400, `count ${count}`);
  });

  it('draws Bernoulli(exp(-gamma)) with the right frequency for gamma above 1', () => {
    const random = seededRandom('bern');
    let ones = 0;
    for (let i = 0; i < 20_000; i += 1) if (bernoulliExpMinus(3n, 2n, random)) ones += 1;

    assert.ok(Math.abs(ones / 20_000 - Math.exp(-1.5)) < 0.01);
  });
});
