import { DsrError } from '@dsr/shared';

/** An exact non-negative fraction `num / den`, den > 0, in lowest terms. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parses a plain decimal such as "0.5" or "2" exactly, so that privacy parameters are never
 * rounded through binary floating point.
 */
export function parseDecimal(text: string, what: string): Rational {
  const match = DECIMAL.exec(text.trim());
  if (!match || match[0].length > 30) {
    throw new DsrError(
      'VALIDATION_FAILED',
      `${what} must be a plain decimal number, got "${text}"`,
      {
        context: { option: what },
      },
    );
  }

  const fraction = match[2] ?? '';
  const num = BigInt(match[1]! + fraction);
  return reduce(num, 10n ** BigInt(fraction.length));
}

/** a + b. */
export function add(a: Rational, b: Rational): Rational {
  return reduce(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a - b (callers ensure a ≥ b). */
export function subtract(a: Rational, b: Rational): Rational {
  return reduce(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** Whether a > b. */
export function greaterThan(a: Rational, b: Rational): boolean {
  return a.num * b.den > b.num * a.den;
}

/** A decimal rendering with up to `digits` fractional digits (for display only). */
export function toDecimal(value: Rational, digits = 6): string {
  const scaled = (value.num * 10n ** BigInt(digits) + value.den / 2n) / value.den;
  const text = scaled.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The rational 0. */
export const ZERO: Rational = Object.freeze({ num: 0n, den: 1n });

function reduce(num: bigint, den: bigint): Rational {
  const divisor = gcd(num, den);
  return Object.freeze({ num: num / divisor, den: den / divisor });
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}
