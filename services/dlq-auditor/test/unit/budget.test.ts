import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetPeriods, decideSpend } from '../../src/privacy/budget';
import { add, parseDecimal, toDecimal, type Rational } from '../../src/privacy/rational';

const r = (text: string) => parseDecimal(text, 'test');

describe('budget periods', () => {
  it('names each calendar month a report overlaps', () => {
    const periods = budgetPeriods(
      new Date('2026-01-15T00:00:00Z'),
      new Date('2026-03-01T00:00:00Z'),
    );

    assert.deepEqual(periods, ['2026-01-01', '2026-02-01']);
  });

  it('crosses a year boundary', () => {
    const periods = budgetPeriods(
      new Date('2025-12-31T00:00:00Z'),
      new Date('2026-01-02T00:00:00Z'),
    );

    assert.deepEqual(periods, ['2025-12-01', '2026-01-01']);
  });

  it('rejects a period that ends before it starts', () => {
    const at = new Date('2026-01-01T00:00:00Z');

    assert.throws(() => budgetPeriods(at, at), {
      code: 'VALIDATION_FAILED',
      message: 'a report period must end after it starts',
    });
  });
});

describe('budget accounting', () => {
  const budget = r('2');

  it('allows spending up to the budget exactly', () => {
    const spent = new Map([['2026-01-01', r('1.5')]]);

    assert.deepEqual(decideSpend(spent, ['2026-01-01'], r('0.5'), budget), { allowed: true });
  });

  it('refuses the release that would exceed it and names the period', () => {
    const spent = new Map([['2026-02-01', r('1.75')]]);

    const decision = decideSpend(spent, ['2026-01-01', '2026-02-01'], r('0.5'), budget);

    assert.deepEqual(decision, {
      allowed: false,
      period: '2026-02-01',
      spent: '1.75',
      remaining: '0.25',
    });
  });

  it('does not drift through rounding after many small releases', () => {
    let total: Rational = r('0');
    for (let i = 0; i < 20; i += 1) total = add(total, r('0.1'));
    const spent = new Map([['2026-01-01', total]]);

    assert.equal(toDecimal(total), '2');
    assert.equal(decideSpend(spent, ['2026-01-01'], r('0.1'), budget).allowed, false);
    assert.equal(
      decideSpend(new Map([['2026-01-01', r('1.9')]]), ['2026-01-01'], r('0.1'), budget).allowed,
      true,
    );
  });
});

describe('decimal parsing', () => {
  it('keeps decimals exact', () => {
    assert.deepEqual(r('0.25'), { num: 1n, den: 4n });
  });

  it('rejects what is not a plain non-negative decimal', () => {
    for (const bad of ['-1', '1e3', 'abc', '']) {
      assert.throws(() => r(bad), { code: 'VALIDATION_FAILED' });
    }
  });
});
