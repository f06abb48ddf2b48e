import { ERROR_CODES, categoryOf, type ErrorCode } from '@dsr/shared';
import { formatTable } from '../output';
import type { Journey } from './outcome-tracker';
import type { PlannedTask } from './traffic-plan';

/** What the auditor's store holds for the run, when it could be asked. */
export interface StoreCounts {
  deadLetters: number;
  quarantined: number;
  chainIntact: boolean | null;
  /**
   * Stored dead letters by the category and code of the last failure, as the poller recorded
   * them (a task out of retries shows the transient failure that used them up), and whether a
   * breaker refused the last call.
   */
  lastFailures: ReadonlyMap<string, number>;
}

export interface SummaryInput {
  plan: readonly PlannedTask[];
  journeys: ReadonlyMap<string, Journey>;
  /** When each task was acknowledged by the broker, epoch ms. */
  submittedAt: ReadonlyMap<string, number>;
  store: StoreCounts | null;
  elapsedMs: number;
}

/** The summary's text and whether every task reached the outcome the plan expects. */
export interface Summary {
  lines: string[];
  matches: boolean;
}

/** Builds the end-of-run summary: outcomes, latency per lane, dead-letter categories, checks. */
export function buildSummary(input: SummaryInput): Summary {
  const lines: string[] = [];
  const section = (title: string, rows: string[][]) => {
    lines.push('', title, ...formatTable(rows).map((line) => `  ${line}`));
  };

  const mismatches = outcomeMismatches(input);
  section('Outcomes', outcomeRows(input));
  section('By scenario', scenarioRows(input));
  section('Latency from submission to outcome, per lane (seconds)', latencyRows(input));
  section('Dead letters by reason (audit topic)', deadLetterRows(input));
  if (input.store) lines.push('', ...storeLines(input));

  const total = input.plan.length;
  const done = [...input.journeys.values()].filter((j) => j.outcome !== null).length;
  lines.push('');
  if (mismatches.length === 0 && done === total) {
    lines.push(`All ${total} tasks accounted for, each with the outcome planned for it.`);
  } else {
    lines.push(
      `${done} of ${total} tasks reached an outcome; ${mismatches.length} differ from the plan:`,
    );
    lines.push(...mismatches.slice(0, 15).map((m) => `  ${m}`));
  }
  return { lines, matches: mismatches.length === 0 && done === total };
}

function outcomeRows({ plan, journeys }: SummaryInput): string[][] {
  const rows = [['OUTCOME', 'PLANNED', 'ACTUAL']];
  for (const outcome of ['succeeded', 'dead_lettered', 'quarantined']) {
    const planned = plan.filter((p) => p.expected === outcome).length;
    const actual = [...journeys.values()].filter((j) => j.outcome === outcome).length;
    rows.push([outcome, String(planned), String(actual)]);
  }
  const pending = plan.length - [...journeys.values()].filter((j) => j.outcome !== null).length;
  rows.push(['no outcome yet', '0', String(pending)]);
  rows.push(['total submitted', String(plan.length), String(plan.length)]);
  return rows;
}

function scenarioRows({ plan, journeys }: SummaryInput): string[][] {
  const rows = [['SCENARIO', 'TASKS', 'EXPECTED', 'AS EXPECTED', 'RETRIES', 'DEFERRALS']];
  const scenarios = [...new Set(plan.map((p) => p.scenario))];
  for (const scenario of scenarios) {
    const tasks = plan.filter((p) => p.scenario === scenario);
    const matched = tasks.filter((p) => journeys.get(p.task.request_id)?.outcome === p.expected);
    const retries = tasks.reduce((n, p) => n + (journeys.get(p.task.request_id)?.retries ?? 0), 0);
    const deferrals = tasks.reduce(
      (n, p) => n + (journeys.get(p.task.request_id)?.deferrals ?? 0),
      0,
    );
    rows.push([
      scenario,
      String(tasks.length),
      tasks[0]!.expected,
      String(matched.length),
      String(retries),
      String(deferrals),
    ]);
  }
  return rows;
}

function latencyRows({ journeys, submittedAt }: SummaryInput): string[][] {
  const rows = [['LANE', 'TASKS', 'P50', 'P90', 'P99', 'MAX']];
  const byLane = new Map<string, number[]>();
  for (const journey of journeys.values()) {
    const start = submittedAt.get(journey.requestId);
    if (journey.outcomeAt === null || start === undefined || journey.outcome === 'quarantined')
      continue;

    const lane = journey.lane ?? 'none';
    byLane.set(lane, [...(byLane.get(lane) ?? []), Math.max(0, journey.outcomeAt - start)]);
  }
  for (const lane of [
    'high',
    'standard',
    ...[...byLane.keys()].filter((l) => l !== 'high' && l !== 'standard'),
  ]) {
    const samples = (byLane.get(lane) ?? []).sort((a, b) => a - b);
    if (samples.length === 0) continue;

    const seconds = (q: number) => (percentile(samples, q) / 1000).toFixed(2);
    rows.push([
      lane,
      String(samples.length),
      seconds(0.5),
      seconds(0.9),
      seconds(0.99),
      seconds(1),
    ]);
  }
  return rows;
}

function deadLetterRows({ journeys }: SummaryInput): string[][] {
  const counts = new Map<string, number>();
  for (const journey of journeys.values()) {
    if (journey.outcome !== 'dead_lettered') continue;

    const code = journey.reasonCode ?? 'unknown';
    const category = code in ERROR_CODES ? categoryOf(code as ErrorCode) : 'unknown';
    const key = `${category}\u0000${code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [['CATEGORY', 'CODE', 'TASKS']];
  for (const [key, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const [category, code] = key.split('\u0000');
    rows.push([category!, code!, String(count)]);
  }
  return rows;
}

function storeLines({ store, journeys }: SummaryInput): string[] {
  const expectedDead = [...journeys.values()].filter((j) => j.outcome === 'dead_lettered').length;
  const expectedQuarantine = [...journeys.values()].filter(
    (j) => j.outcome === 'quarantined',
  ).length;
  const chain =
    store!.chainIntact === null ? 'not checked' : store!.chainIntact ? 'intact' : 'BROKEN';
  const rows = [['CATEGORY', 'LAST FAILURE', 'TASKS']];
  for (const [key, count] of [...store!.lastFailures].sort(([a], [b]) => a.localeCompare(b))) {
    const [category, code] = key.split('\u0000');
    rows.push([category!, code!, String(count)]);
  }
  return [
    'Dead-letter store (dlq-auditor)',
    `  dead letters stored: ${store!.deadLetters} of ${expectedDead}; ` +
      `quarantine records stored: ${store!.quarantined} of ${expectedQuarantine}; ` +
      `record chain: ${chain}`,
    ...formatTable(rows).map((line) => `  ${line}`),
  ];
}

function outcomeMismatches({ plan, journeys }: SummaryInput): string[] {
  const mismatches: string[] = [];
  for (const planned of plan) {
    const journey = journeys.get(planned.task.request_id);
    const actual = journey?.outcome ?? 'no outcome';
    if (actual !== planned.expected) {
      const { request_id: id } = planned.task;
      mismatches.push(`${id} (${planned.scenario}): expected ${planned.expected}, got ${actual}`);
    }
  }
  return mismatches;
}

/** The q-quantile of sorted samples, nearest rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
