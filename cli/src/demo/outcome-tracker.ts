import type { AuditEvent } from '@dsr/shared';
import { TERMINAL_STAGES } from '../audit/audit-trail';

/** What the audit topic says about one task so far. */
export interface Journey {
  requestId: string;
  lane: string | null;
  stages: string[];
  retries: number;
  deferrals: number;
  outcome: string | null;
  outcomeAt: number | null;
  reasonCode: string | null;
}

/** Counts for the progress line. */
export interface Progress {
  submitted: number;
  seen: number;
  routed: number;
  retrying: number;
  succeeded: number;
  deadLettered: number;
  quarantined: number;
}

/**
 * Follows the demo's tasks through the audit events: which lane each took, how often it was
 * retried or deferred, and its outcome. Events of other runs are ignored by request id.
 */
export class OutcomeTracker {
  readonly #journeys = new Map<string, Journey>();
  readonly #expected: ReadonlySet<string>;
  readonly #waiters: (() => void)[] = [];

  constructor(requestIds: readonly string[]) {
    this.#expected = new Set(requestIds);
  }

  /** Takes one audit event into account. */
  accept(event: AuditEvent): void {
    const id = event.request_id;
    if (id === null || !this.#expected.has(id)) return;

    const journey = this.#journey(id);
    journey.stages.push(event.stage);
    if (event.lane) journey.lane = event.lane;
    if (event.stage === 'retry_scheduled') journey.retries += 1;
    if (event.stage === 'deferred') journey.deferrals += 1;
    if (TERMINAL_STAGES.has(event.stage) && journey.outcome === null) {
      journey.outcome = event.stage;
      journey.outcomeAt = event.occurred_at;
      journey.reasonCode = event.reason_code;
      if (this.finished) this.#waiters.splice(0).forEach((wake) => wake());
    }
  }

  /** Whether every planned task has an outcome. */
  get finished(): boolean {
    return this.outcomes() === this.#expected.size;
  }

  /** Resolves once every planned task has an outcome. */
  whenFinished(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  journeys(): ReadonlyMap<string, Journey> {
    return this.#journeys;
  }

  outcomes(): number {
    let count = 0;
    for (const journey of this.#journeys.values()) if (journey.outcome !== null) count += 1;
    return count;
  }

  progress(): Progress {
    const progress: Progress = {
      submitted: this.#expected.size,
      seen: this.#journeys.size,
      routed: 0,
      retrying: 0,
      succeeded: 0,
      deadLettered: 0,
      quarantined: 0,
    };
    for (const j of this.#journeys.values()) {
      if (j.lane !== null) progress.routed += 1;
      if (j.outcome === 'succeeded') progress.succeeded += 1;
      else if (j.outcome === 'dead_lettered') progress.deadLettered += 1;
      else if (j.outcome === 'quarantined') progress.quarantined += 1;
      else if (j.retries > 0 || j.deferrals > 0) progress.retrying += 1;
    }
    return progress;
  }

  #journey(requestId: string): Journey {
    let journey = this.#journeys.get(requestId);
    if (!journey) {
      journey = {
        requestId,
        lane: null,
        stages: [],
        retries: 0,
        deferrals: 0,
        outcome: null,
        outcomeAt: null,
        reasonCode: null,
      };
      this.#journeys.set(requestId, journey);
    }
    return journey;
  }
}

/** The progress line shown while the demo runs. */
export function formatProgress(p: Progress, elapsedMs: number): string {
  const done = p.succeeded + p.deadLettered + p.quarantined;
  return (
    `[${(elapsedMs / 1000).toFixed(0).padStart(3)} s] ${done}/${p.submitted} done · ` +
    `seen ${p.seen} · routed ${p.routed} · retrying ${p.retrying} · ` +
    `succeeded ${p.succeeded} · dead-lettered ${p.deadLettered} · quarantined ${p.quarantined}`
  );
}
