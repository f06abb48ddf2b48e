import type { Pool } from 'pg';
import {
  dimensionValues,
  fillGrid,
  periodsBetween,
  type CountRow,
  type ReportCell,
} from './report-grid';
import type { ReportRequest } from './report-request';

/** Figures a regulator may require, exactly; served to the auditor role only. */
export interface ExactReport {
  from: string;
  to: string;
  granularity: string;
  groupBy: string[];
  /** Dead-lettered records per cell, every record counted (shredded ones included). */
  deadLetters: ReportCell[];
  totals: {
    deadLetters: number;
    quarantined: number;
    undecodable: number;
    /** Distinct requests among the dead letters. */
    requests: number;
    /** Dead letters written after their task's deadline had passed. */
    pastDeadline: number;
  };
  /** Time from a task's receipt to its dead-lettering, in milliseconds. */
  timeToDeadLetterMs: { p50: number | null; p95: number | null; max: number | null };
}

/**
 * Exact counts over [from, to): dead letters by the requested breakdown, totals by kind and the
 * distribution of time from receipt to dead-lettering. No noise and no contribution cap, which
 * is why only the auditor may read it.
 */
export async function exactReport(
  pool: Pool,
  request: ReportRequest,
  sourceSystems: readonly string[],
): Promise<ExactReport> {
  const range = [request.from, request.to];
  const { rows } = await pool.query<CountRow>(
    `SELECT to_char(date_trunc($3, occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
            error_category, source_system, action, count(*)::int AS count
     FROM auditor.audit_record WHERE kind = 'dead_letter' AND occurred_at >= $1 AND occurred_at < $2
     GROUP BY 1, 2, 3, 4`,
    [...range, request.granularity],
  );
  const buckets = periodsBetween(request.from, request.to, request.granularity);
  const cells = fillGrid(
    rows,
    buckets,
    request.groupBy,
    dimensionValues(sourceSystems),
    Number.MAX_SAFE_INTEGER,
  );

  const t = await totalsOver(pool, range);

  return {
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    granularity: request.granularity,
    groupBy: request.groupBy,
    deadLetters: cells.filter((cell) => cell.count > 0),
    totals: {
      deadLetters: t.dead_letters ?? 0,
      quarantined: t.quarantined ?? 0,
      undecodable: t.undecodable ?? 0,
      requests: t.requests ?? 0,
      pastDeadline: t.past_deadline ?? 0,
    },
    timeToDeadLetterMs: { p50: t.p50 ?? null, p95: t.p95 ?? null, max: t.max ?? null },
  };
}

type Totals = Record<
  | 'dead_letters'
  | 'quarantined'
  | 'undecodable'
  | 'requests'
  | 'past_deadline'
  | 'p50'
  | 'p95'
  | 'max',
  number | null
>;

async function totalsOver(pool: Pool, range: Date[]): Promise<Totals> {
  const { rows } = await pool.query<Totals>(
    `SELECT count(*) FILTER (WHERE kind = 'dead_letter')::int AS dead_letters,
            count(*) FILTER (WHERE kind = 'quarantine')::int AS quarantined,
            count(*) FILTER (WHERE kind = 'undecodable')::int AS undecodable,
            count(DISTINCT request_id) FILTER (WHERE kind = 'dead_letter')::int AS requests,
            count(*) FILTER (WHERE kind = 'dead_letter' AND occurred_at > deadline)::int
              AS past_deadline,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_disc(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
            max(ms) AS max
     FROM (SELECT *, (extract(epoch FROM occurred_at - received_at) * 1000)::bigint::float8 AS ms
           FROM auditor.audit_record WHERE occurred_at >= $1 AND occurred_at < $2) r`,
    range,
  );
  return rows[0]!;
}
