import { DsrError } from '@dsr/shared';
import { add, greaterThan, subtract, toDecimal, ZERO, type Rational } from './rational';

/**
 * The budget periods a report over [from, to) draws on: each calendar month (UTC) it overlaps,
 * named by its first day, `YYYY-MM-01`. A report spanning months spends its epsilon in each of
 * them, which is conservative: one subject's contribution is bounded over the whole report.
 */
export function budgetPeriods(from: Date, to: Date): string[] {
  if (!(from.getTime() < to.getTime())) {
    throw new DsrError('VALIDATION_FAILED', 'a report period must end after it starts', {
      context: { from: from.toISOString(), to: to.toISOString() },
    });
  }

  const periods: string[] = [];
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth();
  while (Date.UTC(year, month, 1) < to.getTime()) {
    periods.push(new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10));
    month += 1;
    if (month === 12) [year, month] = [year + 1, 0];
  }
  return periods;
}

/** The outcome of asking to spend epsilon in some periods. */
export type SpendDecision =
  { allowed: true } | { allowed: false; period: string; spent: string; remaining: string };

/**
 * Whether spending `epsilon` in every one of `periods` keeps each within `budget`, given what
 * was already spent (`spent`, by period). Exact: rationals, never floats, so repeated small
 * releases cannot creep past the budget through rounding.
 */
export function decideSpend(
  spent: ReadonlyMap<string, Rational>,
  periods: readonly string[],
  epsilon: Rational,
  budget: Rational,
): SpendDecision {
  for (const period of periods) {
    const already = spent.get(period) ?? ZERO;
    if (greaterThan(add(already, epsilon), budget)) {
      const remaining = greaterThan(budget, already) ? subtract(budget, already) : ZERO;
      return {
        allowed: false,
        period,
        spent: toDecimal(already),
        remaining: toDecimal(remaining),
      };
    }
  }
  return { allowed: true };
}
