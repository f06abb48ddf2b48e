import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dimensionValues, fillGrid, OTHER, periodsBetween } from '../../src/reports/report-grid';
import { parseReportRequest } from '../../src/reports/report-request';

describe('report grid', () => {
  it('buckets weeks from Monday and months from the first, in UTC', () => {
    const from = new Date('2026-03-04T10:00:00Z');
    const to = new Date('2026-03-17T00:00:00Z');

    assert.deepEqual(periodsBetween(from, to, 'week'), ['2026-03-02', '2026-03-09', '2026-03-16']);
    assert.deepEqual(periodsBetween(from, to, 'month'), ['2026-03-01']);
    assert.equal(periodsBetween(from, to, 'day').length, 13);
  });

  it('releases every cell, zero or not, and counts unknown values as (other)', () => {
    const known = dimensionValues(['crm']);
    const rows = [
      {
        period: '2026-03-01',
        error_category: 'permanent',
        source_system: 'crm',
        action: 'deletion',
        count: 4,
      },
      {
        period: '2026-03-01',
        error_category: 'permanent',
        source_system: 'erp',
        action: 'access',
        count: 2,
      },
      {
        period: '2026-03-01',
        error_category: 'transient',
        source_system: 'hr',
        action: 'access',
        count: 1,
      },
    ];

    const cells = fillGrid(rows, ['2026-03-01'], ['source_system'], known, 100);

    assert.deepEqual(cells, [
      { period: '2026-03-01', source_system: 'crm', count: 4 },
      { period: '2026-03-01', source_system: OTHER, count: 3 },
    ]);
  });

  it('refuses a grid larger than the limit', () => {
    const known = dimensionValues(['crm', 'billing']);
    const periods = Array.from({ length: 80 }, (_, i) => `day-${i}`);

    assert.throws(
      () => fillGrid([], periods, ['error_category', 'source_system', 'action'], known, 5000),
      {
        code: 'VALIDATION_FAILED',
        message: 'the report would have 5760 cells; at most 5000',
      },
    );
  });
});

describe('report request', () => {
  it('fills in month granularity and every dimension by default', () => {
    const request = parseReportRequest({ from: '2026-01-01', to: '2026-02-01' });

    assert.equal(request.granularity, 'month');
    assert.deepEqual(request.groupBy, ['error_category', 'source_system', 'action']);
    assert.equal(request.from.toISOString(), '2026-01-01T00:00:00.000Z');
  });

  it('names the fields that are wrong', () => {
    assert.throws(
      () => parseReportRequest({ from: 'yesterday', to: '2026-02-01', granularity: 'year' }),
      {
        code: 'VALIDATION_FAILED',
        message: /from: .*granularity: /,
      },
    );
  });
});
