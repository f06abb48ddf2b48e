import type { DeadlineRule } from '../config/ingest-config';

const DAY_MS = 86_400_000;

/**
 * Adds calendar months the way EU law counts them (Regulation 1182/71, Art. 3(2)(c)): the period
 * ends on the same day of the month, or on the month's last day when that day does not exist
 * (received 31 January, due 28 or 29 February). UTC, keeping the time of day.
 */
export function addCalendarMonths(fromMs: number, months: number): number {
  const from = new Date(fromMs);
  const target = new Date(fromMs);
  target.setUTCDate(1);
  target.setUTCMonth(from.getUTCMonth() + months);

  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target.getTime();
}

/** The deadline a rule gives a request received at `receivedAtMs`. */
export function deadlineFor(rule: DeadlineRule, receivedAtMs: number): number {
  if (rule.months !== undefined) return addCalendarMonths(receivedAtMs, rule.months);

  return receivedAtMs + (rule.days ?? 0) * DAY_MS;
}
