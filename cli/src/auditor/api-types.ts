/**
 * The shapes of the dlq-auditor API's answers that this command reads. They mirror the API's
 * JSON; fields the command does not use are left out.
 */

/** A stored dead-letter, quarantine or undecodable record, without personal data. */
export interface StoredRecord {
  position: string;
  kind: string;
  recordId: string;
  source: { topic: string; partition: number; offset: string };
  occurredAt: string;
  ingestedAt: string;
  requestId: string | null;
  action: string | null;
  sourceSystem: string | null;
  lane: string | null;
  errorCode: string | null;
  errorCategory: string | null;
  attempts: number | null;
  breakerRefusal: boolean | null;
  deadline: string | null;
  reasonCodes: string[] | null;
  detail: string | null;
  shredded: boolean;
  resolved: boolean;
  hash: string;
}

/** Something that happened to a stored record: a note, a replay, its resolution. */
export interface RecordEvent {
  kind: string;
  principal: string;
  occurredAt: string;
  note: string | null;
  /** For a replay: where the task was produced, `topic/partition/offset`. */
  target: string | null;
}

/** Where a replayed task was produced. */
export interface ReplayTarget {
  topic: string;
  partition: number;
  offset: string;
}

/** The outcome of recomputing the record chain. */
export interface ChainVerdict {
  intact: boolean;
  checked: number;
  head: { position: string; hash: string } | null;
  firstBreak: { position: string; reason: string } | null;
}

/** A differentially private report of dead-letter counts. */
export interface PrivateReport {
  reportId: string;
  mechanism: string;
  epsilon: string;
  scale: string;
  contributionCap: number;
  from: string;
  to: string;
  granularity: string;
  groupBy: string[];
  budgetPeriods: string[];
  cells: ({ period: string; count: number } & Record<string, string | number>)[];
}

/** Epsilon spent per budget period. */
export interface BudgetStatus {
  budgetPerPeriod: string;
  periods: { period: string; spent: string }[];
}
