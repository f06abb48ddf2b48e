import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import { formatRate } from '../report/format';
import { emptyResult, type ScenarioResult } from '../report/scenario-result';
import { runPriority } from './priority';
import { runThroughput } from './throughput';

/** Deletion holds off: the router neither reads the audit topic nor keeps state in PostgreSQL. */
const HOLDS_OFF = Object.freeze({ holdDeletionsBehindAccess: false });

/**
 * A diagnostic, not a target: throughput and priority again, at a fifth of the size, with the
 * router's deletion holds switched off. The difference to the measured rows is what the holds
 * (reading every audit record, PostgreSQL round trips per record) cost the pipeline.
 */
export async function diagnoseRouterHolds(
  context: BenchContext,
  _findings: BenchFindings,
): Promise<ScenarioResult> {
  const count = Math.max(2_000, Math.floor(context.scale.throughputTasks / 5));
  const backlog = Math.max(2_000, Math.floor(context.scale.backlogTasks / 5));
  const throughput = await runThroughput(context, {
    name: 'no-holds-throughput',
    count,
    routerSettings: HOLDS_OFF,
  });
  const priority = await runPriority(context, {
    name: 'no-holds-priority',
    backlog,
    routerSettings: HOLDS_OFF,
  });

  const { sustained, overall } = throughput.value;
  const label = '(diagnostic: router deletion holds off)';
  const result = emptyResult();
  result.rows.push(
    {
      measure: `end-to-end throughput, ${count.toLocaleString('en-US')} tasks ${label}`,
      value: `${formatRate(sustained)} tasks/s (whole burst: ${formatRate(overall)} tasks/s)`,
    },
    ...priority.value.map((row) => ({ measure: `${row.measure} ${label}`, value: row.value })),
  );
  result.usage.push(
    {
      scenario: `end-to-end throughput ${label}`,
      windowMs: throughput.windowMs,
      processes: throughput.processes,
    },
    {
      scenario: `priority under backlog ${label}`,
      windowMs: priority.windowMs,
      processes: priority.processes,
    },
  );
  result.notes.push(
    `Diagnostic: the throughput and priority measurements repeated at a fifth of their size with ` +
      "the router's `holdDeletionsBehindAccess` off, so the router reads only the validated topic " +
      'and makes no PostgreSQL round trips. It shows what the deletion holds cost; no target applies.',
  );
  return result;
}
