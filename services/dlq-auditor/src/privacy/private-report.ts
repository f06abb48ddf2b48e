import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DsrError } from '@dsr/shared';
import { budgetPeriods, decideSpend } from './budget';
import { sampleDiscreteLaplace } from './discrete-laplace';
import { cryptoRandom, type RandomSource } from './random-source';
import { greaterThan, parseDecimal, toDecimal, type Rational } from './rational';
import {
  dimensionValues,
  fillGrid,
  periodsBetween,
  type CountRow,
  type ReportCell,
} from '../reports/report-grid';
import type { ReportRequest } from '../reports/report-request';

/** How private reports are released; see the service README for why these defaults. */
export interface PrivacyPolicy {
  /** Epsilon a report spends when the request names none; default "0.5". */
  defaultEpsilon: string;
  /** Largest epsilon one report may spend; default "1". */
  maxEpsilonPerReport: string;
  /** Epsilon each calendar month of data may have spent on it in total; default "2". */
  budgetPerPeriod: string;
  /** Records one subject may add to a report, across all its cells; default 2. */
  contributionCap: number;
  /** Source systems reported by name; the rest count as "(other)". */
  sourceSystems: readonly string[];
  /** Largest grid released; default 5000 cells. */
  maxCells: number;
}

/** Defaults of {@link PrivacyPolicy}; README.md explains each. */
export const PRIVACY_POLICY_DEFAULTS: PrivacyPolicy = Object.freeze({
  defaultEpsilon: '0.5',
  maxEpsilonPerReport: '1',
  budgetPerPeriod: '2',
  contributionCap: 2,
  sourceSystems: Object.freeze([]) as readonly string[],
  maxCells: 5000,
});

/** A released report: noisy counts only, with what a reader needs to judge them. */
export interface PrivateReport {
  reportId: string;
  mechanism: 'discrete_laplace';
  epsilon: string;
  /** The noise scale, contributionCap / epsilon: about the mean absolute error of a count. */
  scale: string;
  contributionCap: number;
  from: string;
  to: string;
  granularity: string;
  groupBy: string[];
  budgetPeriods: string[];
  cells: ReportCell[];
}

// All releases queue on one lock, so two concurrent reports cannot both pass the budget check.
const BUDGET_LOCK_ID = 7_301_003;

/**
 * Releases dead-letter counts under epsilon-differential privacy. Each subject's records beyond
 * the contribution cap are dropped (so one subject moves the whole grid by at most the cap), the
 * full grid is filled, and each cell gets discrete Laplace noise of scale cap / epsilon. The
 * epsilon is charged to every calendar month the report covers, in the same transaction that
 * reads the counts, and the release is refused with PRIVACY_BUDGET_EXHAUSTED when any month would
 * go past its budget. Only records whose subject is still known count: once retention destroyed
 * a record's key, its subject can no longer be bounded, so it leaves the private view (it stays
 * in the auditor's exact figures).
 */
export async function releasePrivateReport(
  pool: Pool,
  request: ReportRequest & { epsilon?: string },
  principal: string,
  policy: PrivacyPolicy,
  random: RandomSource = cryptoRandom,
): Promise<PrivateReport> {
  const epsilon = checkedEpsilon(request.epsilon ?? policy.defaultEpsilon, policy);
  const periods = budgetPeriods(request.from, request.to);
  const buckets = periodsBetween(request.from, request.to, request.granularity);
  const known = dimensionValues(policy.sourceSystems);
  // An oversized grid is refused before any budget is spent on it.
  fillGrid([], buckets, request.groupBy, known, policy.maxCells);

  const reportId = randomUUID();
  const rows = await spendAndCount(pool, {
    request,
    epsilon,
    periods,
    reportId,
    principal,
    policy,
  });
  const cells = fillGrid(rows, buckets, request.groupBy, known, policy.maxCells);
  const scale: Rational = { num: BigInt(policy.contributionCap) * epsilon.den, den: epsilon.num };

  return {
    reportId,
    mechanism: 'discrete_laplace',
    epsilon: toDecimal(epsilon),
    scale: toDecimal(scale, 4),
    contributionCap: policy.contributionCap,
    from: request.from.toISOString(),
    to: request.to.toISOString(),
    granularity: request.granularity,
    groupBy: request.groupBy,
    budgetPeriods: periods,
    cells: cells.map((cell) => ({
      ...cell,
      count: cell.count + Number(sampleDiscreteLaplace(scale, random)),
    })),
  };
}

function checkedEpsilon(text: string, policy: PrivacyPolicy): Rational {
  const epsilon = parseDecimal(text, 'epsilon');
  if (
    epsilon.num === 0n ||
    greaterThan(epsilon, parseDecimal(policy.maxEpsilonPerReport, 'maxEpsilonPerReport'))
  ) {
    throw new DsrError(
      'VALIDATION_FAILED',
      `epsilon must be above 0 and at most ${policy.maxEpsilonPerReport}`,
      {
        context: { epsilon: text },
      },
    );
  }
  return epsilon;
}

interface SpendPlan {
  request: ReportRequest;
  epsilon: Rational;
  periods: string[];
  reportId: string;
  principal: string;
  policy: PrivacyPolicy;
}

async function spendAndCount(pool: Pool, plan: SpendPlan): Promise<CountRow[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [BUDGET_LOCK_ID]);
    await chargeBudget(client, plan);
    const rows = await boundedCounts(client, plan);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function chargeBudget(client: PoolClient, plan: SpendPlan): Promise<void> {
  const { rows } = await client.query<{ period: string; spent: string }>(
    `SELECT to_char(budget_period, 'YYYY-MM-DD') AS period, sum(epsilon)::text AS spent
     FROM auditor.privacy_ledger WHERE budget_period = ANY($1::date[]) GROUP BY budget_period`,
    [plan.periods],
  );
  const spent = new Map(rows.map((row) => [row.period, parseDecimal(row.spent, 'ledger')]));
  const budget = parseDecimal(plan.policy.budgetPerPeriod, 'budgetPerPeriod');
  const decision = decideSpend(spent, plan.periods, plan.epsilon, budget);

  if (!decision.allowed) {
    throw new DsrError(
      'PRIVACY_BUDGET_EXHAUSTED',
      `the privacy budget of ${decision.period} has ${decision.remaining} left; ` +
        `this report needs ${toDecimal(plan.epsilon)}`,
      {
        context: { period: decision.period, spent: decision.spent, remaining: decision.remaining },
      },
    );
  }

  for (const period of plan.periods) {
    await client.query(
      `INSERT INTO auditor.privacy_ledger (report_id, budget_period, epsilon, principal)
       VALUES ($1, $2, $3::numeric, $4)`,
      [plan.reportId, period, toDecimal(plan.epsilon, 12), plan.principal],
    );
  }
}

async function boundedCounts(client: PoolClient, plan: SpendPlan): Promise<CountRow[]> {
  const { rows } = await client.query<CountRow>(
    `WITH bounded AS (
       SELECT a.occurred_at, a.error_category, a.source_system, a.action,
              row_number() OVER (PARTITION BY k.subject_key ORDER BY a.position) AS nth
       FROM auditor.audit_record a JOIN auditor.data_key k ON k.id = a.data_key_id
       WHERE a.kind = 'dead_letter' AND a.occurred_at >= $1 AND a.occurred_at < $2
         AND k.subject_key IS NOT NULL)
     SELECT to_char(date_trunc($3, occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
            error_category, source_system, action, count(*)::int AS count
     FROM bounded WHERE nth <= $4 GROUP BY 1, 2, 3, 4`,
    [plan.request.from, plan.request.to, plan.request.granularity, plan.policy.contributionCap],
  );
  return rows;
}

/** Epsilon spent and left in each budget period (calendar month) that has spending. */
export async function budgetStatus(
  pool: Pool,
  policy: PrivacyPolicy,
): Promise<{ budgetPerPeriod: string; periods: { period: string; spent: string }[] }> {
  const { rows } = await pool.query<{ period: string; spent: string }>(
    `SELECT to_char(budget_period, 'YYYY-MM-DD') AS period, sum(epsilon)::text AS spent
     FROM auditor.privacy_ledger GROUP BY budget_period ORDER BY budget_period`,
  );
  return {
    budgetPerPeriod: policy.budgetPerPeriod,
    periods: rows.map((r) => ({
      period: r.period,
      spent: toDecimal(parseDecimal(r.spent, 'ledger')),
    })),
  };
}
