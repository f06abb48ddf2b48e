import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addCalendarMonths, deadlineFor } from '../../../src/validate/deadline-policy';

const utc = (iso: string) => Date.parse(iso);

describe('addCalendarMonths', () => {
  it('ends on the same day of the following month, keeping the time of day', () => {
    assert.equal(addCalendarMonths(utc('2026-03-15T10:30:00Z'), 1), utc('2026-04-15T10:30:00Z'));
  });

  it('when that day does not exist, ends on the last day of the month', () => {
    assert.equal(addCalendarMonths(utc('2026-01-31T00:00:00Z'), 1), utc('2026-02-28T00:00:00Z'));
    assert.equal(addCalendarMonths(utc('2028-01-31T00:00:00Z'), 1), utc('2028-02-29T00:00:00Z'));
    assert.equal(addCalendarMonths(utc('2026-05-31T08:00:00Z'), 1), utc('2026-06-30T08:00:00Z'));
  });

  it('crosses the year end', () => {
    assert.equal(addCalendarMonths(utc('2026-12-20T00:00:00Z'), 1), utc('2027-01-20T00:00:00Z'));
    assert.equal(addCalendarMonths(utc('2026-11-30T00:00:00Z'), 3), utc('2027-02-28T00:00:00Z'));
  });
});

describe('deadlineFor', () => {
  it('GDPR (one month) and CCPA (45 days) from the receipt time', () => {
    const received = utc('2026-01-31T12:00:00Z');
    assert.equal(deadlineFor({ months: 1 }, received), utc('2026-02-28T12:00:00Z'));
    assert.equal(deadlineFor({ days: 45 }, received), utc('2026-03-17T12:00:00Z'));
  });
});
