import type { ProcessUsage } from '../proc/process-watch';

/** One line of the results table. */
export interface ResultRow {
  /** What was measured, e.g. "end-to-end throughput". */
  measure: string;
  /** The measured value with its unit, ready to print. */
  value: string;
  /** The target it is held against, when there is one, e.g. ">= 3,000 tasks/s". */
  target?: string;
  /** Whether the target was met; absent when there is no target. */
  met?: boolean;
}

/** The CPU and memory of the processes that took part in one measurement. */
export interface UsageReport {
  scenario: string;
  /** How long the usage window was. */
  windowMs: number;
  processes: ProcessUsage[];
}

/** What one measurement hands to the report. */
export interface ScenarioResult {
  rows: ResultRow[];
  usage: UsageReport[];
  /** Sentences that explain the numbers: the set-up, a cause, a limit. */
  notes: string[];
}

/** An empty result to fill. */
export function emptyResult(): ScenarioResult {
  return { rows: [], usage: [], notes: [] };
}
