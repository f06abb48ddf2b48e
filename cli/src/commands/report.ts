import type { Command } from 'commander';
import type { BudgetStatus, PrivateReport } from '../auditor/api-types';
import type { CliContext } from '../context';
import { formatTable } from '../output';
import type { RunCommand } from '../program';

interface ReportFlags {
  from?: string;
  to?: string;
  granularity: string;
  groupBy: string;
  epsilon?: string;
  budget: boolean;
  json: boolean;
}

/** `dsr report`: dead-letter counts released under differential privacy. */
export function registerReport(program: Command, run: RunCommand): void {
  program
    .command('report')
    .description('print a differentially private report of dead-letter counts')
    .option('--from <date>', 'start of the period, ISO 8601 (default: first day of this month)')
    .option('--to <date>', 'end of the period, exclusive (default: first day of next month)')
    .option('--granularity <unit>', 'day, week or month', 'month')
    .option(
      '--group-by <dims>',
      'comma-separated: error_category, source_system, action',
      'error_category',
    )
    .option('--epsilon <e>', "privacy cost of this report (default: the auditor's, e.g. 0.5)")
    .option('--budget', 'only show the privacy budget spent per month', false)
    .option('--json', 'print the report as JSON', false)
    .addHelpText(
      'after',
      '\nEach count carries discrete Laplace noise; the epsilon spent is charged to every\n' +
        "month the period covers, and a report that would exceed a month's budget is refused\n" +
        '(exit 6). Asking the same question again spends more budget: keep the report you got.',
    )
    .action((flags: ReportFlags) => run((ctx) => report(ctx, flags)));
}

async function report(ctx: CliContext, flags: ReportFlags): Promise<void> {
  if (flags.budget) return budget(ctx, flags.json);

  const now = new Date();
  const body = {
    from: flags.from ?? monthStart(now, 0),
    to: flags.to ?? monthStart(now, 1),
    granularity: flags.granularity,
    groupBy: flags.groupBy
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean),
    epsilon: flags.epsilon,
  };
  const released = await ctx.auditor.post<PrivateReport>('/v1/reports/private', body);
  if (flags.json) {
    ctx.output.line(JSON.stringify(released, null, 2));
    return;
  }

  const { reportId, from, to, mechanism, epsilon, scale, contributionCap } = released;
  ctx.output.line(`report ${reportId}: ${from} to ${to}, ${mechanism} noise`);
  ctx.output.line(`epsilon ${epsilon}, scale ${scale}, contribution cap ${contributionCap}`);
  const rows = [['PERIOD', ...released.groupBy.map((d) => d.toUpperCase()), 'NOISY COUNT']];
  for (const cell of released.cells) {
    rows.push([
      cell.period,
      ...released.groupBy.map((d) => String(cell[d] ?? '-')),
      String(cell.count),
    ]);
  }
  for (const line of formatTable(rows)) ctx.output.line(line);
  ctx.output.note(`charged epsilon ${released.epsilon} to ${released.budgetPeriods.join(', ')}`);
}

async function budget(ctx: CliContext, json: boolean): Promise<void> {
  const status = await ctx.auditor.get<BudgetStatus>('/v1/reports/budget');
  if (json) {
    ctx.output.line(JSON.stringify(status, null, 2));
    return;
  }

  const rows = [['PERIOD', 'SPENT', 'BUDGET']];
  for (const p of status.periods) rows.push([p.period, p.spent, status.budgetPerPeriod]);
  for (const line of formatTable(rows)) ctx.output.line(line);
}

function monthStart(now: Date, offsetMonths: number): string {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offsetMonths, 1));
  return start.toISOString().slice(0, 10);
}
