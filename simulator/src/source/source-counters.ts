import type { FaultKind } from '../config/knobs';

/** What a test or benchmark reads about one source. */
export interface SourceCountersSnapshot {
  /** Requests that reached the source (refused connections never do). */
  requests: number;
  /** Requests by outcome: an HTTP status, `reset` (connection reset) or `aborted` (client left). */
  byStatus: Record<string, number>;
  inFlight: number;
  /** The most requests the source was answering at once. */
  peakInFlight: number;
  /** Submits (async and sync) that passed authentication and the rate limit. */
  submits: number;
  /** Jobs started (each under a new idempotency key). */
  jobsStarted: number;
  /** Submits that returned the job an earlier submit with the same key started. */
  idempotentReplays: number;
  /** Distinct request ids submitted. */
  requestIds: number;
  /** The most jobs started for any one request id (1 when every task started one job). */
  maxJobsPerRequestId: number;
  /** Request ids for which more than one job was started. */
  requestIdsWithSeveralJobs: string[];
}

/** Counters of one request id at one source. */
export interface RequestIdCounters {
  submits: number;
  jobs: number;
  /**
   * Faults this request id met, in order: on its submits, on polls of its jobs, and
   * `job-failed` when one of its jobs was set to fail. Outages are not listed: they strike
   * before the request id is read.
   */
  faults: FaultKind[];
}

// Most request ids meet no fault; they share this empty list until one does.
const NO_FAULTS: readonly FaultKind[] = Object.freeze([]);

/** Counts what happens at one source. Cheap enough to run on every request. */
export class SourceCounters {
  requests = 0;
  inFlight = 0;
  peakInFlight = 0;
  submits = 0;
  jobsStarted = 0;
  idempotentReplays = 0;
  readonly #byStatus = new Map<string, number>();
  readonly #byRequestId = new Map<string, RequestIdCounters>();

  /** A request arrived. */
  enter(): void {
    this.requests += 1;
    this.inFlight += 1;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }

  /** A request was answered (or its connection ended) with this outcome. */
  leave(outcome: string): void {
    this.inFlight -= 1;
    this.#byStatus.set(outcome, (this.#byStatus.get(outcome) ?? 0) + 1);
  }

  /** A submit for this request id arrived. */
  countSubmit(requestId: string): void {
    this.submits += 1;
    this.#entry(requestId).submits += 1;
  }

  /** A submit started a job, or replayed one. */
  countJob(requestId: string, started: boolean): void {
    if (!started) {
      this.idempotentReplays += 1;
      return;
    }
    this.jobsStarted += 1;
    this.#entry(requestId).jobs += 1;
  }

  /** A fault struck a request of this request id. */
  countFault(requestId: string, fault: FaultKind): void {
    const entry = this.#entry(requestId);
    if (entry.faults === NO_FAULTS) entry.faults = [];
    entry.faults.push(fault);
  }

  /** Counters of one request id (zeros when never seen). */
  forRequestId(requestId: string): RequestIdCounters {
    const entry = this.#byRequestId.get(requestId);
    if (entry === undefined) return { submits: 0, jobs: 0, faults: [] };
    return { submits: entry.submits, jobs: entry.jobs, faults: [...entry.faults] };
  }

  /** Counters of every request id seen, by request id. */
  allRequestIds(): Record<string, RequestIdCounters> {
    const all: Record<string, RequestIdCounters> = {};
    for (const requestId of this.#byRequestId.keys()) all[requestId] = this.forRequestId(requestId);
    return all;
  }

  #entry(requestId: string): RequestIdCounters {
    let entry = this.#byRequestId.get(requestId);
    if (entry === undefined) {
      entry = { submits: 0, jobs: 0, faults: NO_FAULTS as FaultKind[] };
      this.#byRequestId.set(requestId, entry);
    }
    return entry;
  }

  /** Zeroes everything except requests still in flight. */
  reset(): void {
    this.requests = 0;
    this.peakInFlight = this.inFlight;
    this.submits = 0;
    this.jobsStarted = 0;
    this.idempotentReplays = 0;
    this.#byStatus.clear();
    this.#byRequestId.clear();
  }

  /** A copy of the counters, safe to keep or send as JSON. */
  snapshot(): SourceCountersSnapshot {
    let maxJobs = 0;
    const several: string[] = [];
    for (const [requestId, entry] of this.#byRequestId) {
      if (entry.jobs > maxJobs) maxJobs = entry.jobs;
      if (entry.jobs > 1) several.push(requestId);
    }

    return {
      requests: this.requests,
      byStatus: Object.fromEntries(this.#byStatus),
      inFlight: this.inFlight,
      peakInFlight: this.peakInFlight,
      submits: this.submits,
      jobsStarted: this.jobsStarted,
      idempotentReplays: this.idempotentReplays,
      requestIds: this.#byRequestId.size,
      maxJobsPerRequestId: maxJobs,
      requestIdsWithSeveralJobs: several,
    };
  }
}
