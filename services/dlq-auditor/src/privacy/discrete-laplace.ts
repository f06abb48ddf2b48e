import type { RandomSource } from './random-source';
import type { Rational } from './rational';

/**
 * Exact sampling of the discrete Laplace distribution, P(k) ∝ exp(−|k| / scale) over the
 * integers, following Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (2020), https://arxiv.org/abs/2004.00010, algorithms 1 and 2.
 *
 * Why not `−scale · ln(u)` on a double: floating-point samples are not uniform over the reals,
 * and the set of doubles a noisy value can take depends on the true value; Mironov showed in
 * "On Significance of the Least Significant Bits for Differential Privacy" (CCS 2012) that this
 * lets an observer recover the true count. Counts are integers with integer sensitivity, so an
 * integer-valued mechanism fits them exactly. Every step here is integer arithmetic on BigInt
 * with a rational scale, and every random draw is an exact uniform integer by rejection; no
 * floating-point value is ever computed, so nothing can leak through rounding.
 */
export function sampleDiscreteLaplace(scale: Rational, random: RandomSource): bigint {
  // scale = t / s in the paper's notation.
  const t = scale.num;
  const s = scale.den;

  for (;;) {
    const u = uniformBelow(t, random);
    if (!bernoulliExpMinus(u, t, random)) continue;

    let v = 0n;
    while (bernoulliExpMinus(1n, 1n, random)) v += 1n;

    const magnitude = (u + t * v) / s;
    const negative = uniformBelow(2n, random) === 1n;
    if (negative && magnitude === 0n) continue;
    return negative ? -magnitude : magnitude;
  }
}

/** A uniform integer in [0, bound), by rejection over whole bytes: no modulo bias. */
export function uniformBelow(bound: bigint, random: RandomSource): bigint {
  if (bound <= 0n) throw new RangeError('bound must be positive');
  if (bound === 1n) return 0n;

  const bits = (bound - 1n).toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  const buffer = new Uint8Array(bytes);

  for (;;) {
    random.fill(buffer);
    let value = 0n;
    for (const byte of buffer) value = (value << 8n) | BigInt(byte);
    value &= mask;
    if (value < bound) return value;
  }
}

/** Bernoulli(num / den), exactly. */
export function bernoulli(num: bigint, den: bigint, random: RandomSource): boolean {
  return uniformBelow(den, random) < num;
}

/** Bernoulli(exp(−num / den)) for num ≥ 0, exactly, without evaluating exp. */
export function bernoulliExpMinus(num: bigint, den: bigint, random: RandomSource): boolean {
  if (num > den) {
    for (let k = 0n; k < num / den; k += 1n) {
      if (!bernoulliExpMinus(1n, 1n, random)) return false;
    }
    return bernoulliExpMinus(num % den, den, random);
  }

  // For γ in [0, 1]: draw Bernoulli(γ/k) for k = 1, 2, … until one fails; the index of the
  // first failure is odd with probability exp(−γ).
  let k = 1n;
  while (bernoulli(num, den * k, random)) k += 1n;
  return k % 2n === 1n;
}
