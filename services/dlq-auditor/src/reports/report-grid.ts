import { DsrError, ERROR_CODES } from '@dsr/shared';

/** How counts are bucketed in time (UTC). */
export type Granularity = 'day' | 'week' | 'month';

/** What counts can be broken down by. */
export type Dimension = 'error_category' | 'source_system' | 'action';

/** Every dimension, in the order cells are broken down. */
export const DIMENSIONS: readonly Dimension[] = Object.freeze([
  'error_category',
  'source_system',
  'action',
]);

/** The value that stands for anything outside a dimension's known values. */
export const OTHER = '(other)';

/** One row of counts from the database, before bucketing into the grid. */
export interface CountRow {
  period: string;
  error_category: string | null;
  source_system: string | null;
  action: string | null;
  count: number;
}

/** One released cell. */
export interface ReportCell {
  period: string;
  error_category?: string;
  source_system?: string;
  action?: string;
  count: number;
}

const DAY_MS = 86_400_000;

/**
 * The start (`YYYY-MM-DD`, UTC) of every bucket [from, to) touches. Weeks start on Monday, as
 * PostgreSQL's date_trunc('week') does.
 */
export function periodsBetween(from: Date, to: Date, granularity: Granularity): string[] {
  const periods: string[] = [];
  let cursor = truncate(from, granularity);
  while (cursor.getTime() < to.getTime()) {
    periods.push(cursor.toISOString().slice(0, 10));
    cursor = next(cursor, granularity);
  }
  return periods;
}

function truncate(at: Date, granularity: Granularity): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (granularity === 'day') return day;
  if (granularity === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS);
}

function next(at: Date, granularity: Granularity): Date {
  if (granularity === 'day') return new Date(at.getTime() + DAY_MS);
  if (granularity === 'week') return new Date(at.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

/** The known values of each dimension; anything else is counted under {@link OTHER}. */
export function dimensionValues(sourceSystems: readonly string[]): Record<Dimension, string[]> {
  return {
    error_category: [...new Set<string>(Object.values(ERROR_CODES)), OTHER],
    source_system: [...new Set(sourceSystems), OTHER],
    action: ['access', 'deletion', 'rectification', OTHER],
  };
}

/**
 * Every cell of the report, counts filled in from the rows (zero where none). Releasing the full
 * grid, rather than only the cells that have records, matters for privacy: whether a cell
 * appears at all would otherwise tell that some subject is in it.
 */
export function fillGrid(
  rows: readonly CountRow[],
  periods: readonly string[],
  groupBy: readonly Dimension[],
  known: Record<Dimension, string[]>,
  maxCells: number,
): ReportCell[] {
  const cells = groupBy.reduce<ReportCell[]>(
    (partial, dimension) =>
      partial.flatMap((cell) => known[dimension].map((v) => ({ ...cell, [dimension]: v }))),
    periods.map((period) => ({ period, count: 0 })),
  );
  if (cells.length > maxCells) {
    throw new DsrError(
      'VALIDATION_FAILED',
      `the report would have ${cells.length} cells; at most ${maxCells}`,
      {
        context: { cells: cells.length, maxCells },
      },
    );
  }

  const index = new Map(cells.map((cell) => [cellKey(cell, groupBy), cell]));
  for (const row of rows) {
    const bucketed: ReportCell = { period: row.period, count: 0 };
    for (const dimension of groupBy) {
      const value = row[dimension];
      bucketed[dimension] = value !== null && known[dimension].includes(value) ? value : OTHER;
    }
    const cell = index.get(cellKey(bucketed, groupBy));
    if (cell) cell.count += row.count;
  }
  return cells;
}

function cellKey(cell: ReportCell, groupBy: readonly Dimension[]): string {
  return JSON.stringify([cell.period, ...groupBy.map((d) => cell[d])]);
}
