/** The three kinds of data subject request a source executes. */
export type DsrAction = 'access' | 'deletion' | 'rectification';

/** Where a job is in its life; `done` and `failed` are final. */
export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/** What a caller asked a source to do. */
export interface WorkOrder {
  requestId: string;
  action: DsrAction;
  subject: string;
  changes?: Record<string, string>;
}

/** When a new job moves on, drawn once at its start. */
export interface JobTiming {
  pendingMs: number;
  durationMs: number;
  failed: boolean;
}

/** One job a source started. Its status follows from the clock, so no timer drives it. */
export interface Job {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly order: WorkOrder;
  readonly createdAtMs: number;
  readonly runningAtMs: number;
  readonly finishedAtMs: number;
  readonly outcome: 'done' | 'failed';
}

/** A submit started a job, returned the job an earlier submit with its key started, or clashed. */
export type SubmitResult =
  { kind: 'started'; job: Job } | { kind: 'replayed'; job: Job } | { kind: 'conflict'; job: Job };

// Expired jobs are swept once this many submits (or half the store, if larger) have passed,
// which keeps the cost of a sweep constant per submit however many jobs are held.
const SWEEP_EVERY_SUBMITS = 1_024;

/**
 * The jobs of one source, by id and by idempotency key. A key names one job for as long as the
 * job is remembered: a second submit with it returns that job and never starts another, and a
 * submit that reuses a key for a different request id or action is a conflict. A finished job
 * is forgotten, with its key, `retentionMs` after it finished (by default never).
 */
export class JobStore {
  readonly #idPrefix: string;
  readonly #byId = new Map<string, Job>();
  readonly #byKey = new Map<string, Job>();
  #retentionMs: number | null = null;
  #sequence = 0;
  #anonymous = 0;
  #submitsSinceSweep = 0;

  constructor(idPrefix: string) {
    this.#idPrefix = idPrefix;
  }

  /** How long finished jobs are remembered; null for ever. */
  setRetention(retentionMs: number | null): void {
    this.#retentionMs = retentionMs;
  }

  /** Starts a job for the key, unless the key already has one. `timing` is drawn only if new. */
  submit(key: string, order: WorkOrder, nowMs: number, timing: () => JobTiming): SubmitResult {
    this.#sweepFromTimeToTime(nowMs);
    const existing = this.#live(this.#byKey.get(key), nowMs);
    if (existing !== undefined) {
      const same =
        existing.order.requestId === order.requestId && existing.order.action === order.action;
      return { kind: same ? 'replayed' : 'conflict', job: existing };
    }

    const drawn = timing();
    this.#sequence += 1;
    const job: Job = {
      id: `${this.#idPrefix}-${this.#sequence.toString(36).padStart(6, '0')}`,
      idempotencyKey: key,
      order,
      createdAtMs: nowMs,
      runningAtMs: nowMs + drawn.pendingMs,
      finishedAtMs: nowMs + drawn.pendingMs + drawn.durationMs,
      outcome: drawn.failed ? 'failed' : 'done',
    };
    this.#byId.set(job.id, job);
    this.#byKey.set(key, job);
    return { kind: 'started', job };
  }

  /** A key no caller can send, for work submitted without one. */
  anonymousKey(): string {
    this.#anonymous += 1;
    return `\u0000anonymous-${this.#anonymous}`;
  }

  /** The job with this id, if the source still remembers it. */
  find(id: string, nowMs: number): Job | undefined {
    return this.#live(this.#byId.get(id), nowMs);
  }

  /** Jobs held. */
  get size(): number {
    return this.#byId.size;
  }

  /** Forgets every job, as a vendor that lost its state would. */
  clear(): void {
    this.#byId.clear();
    this.#byKey.clear();
  }

  // The job, unless its retention has run out, in which case it is forgotten now.
  #live(job: Job | undefined, nowMs: number): Job | undefined {
    if (job === undefined || !this.#expired(job, nowMs)) return job;

    this.#forget(job);
    return undefined;
  }

  #expired(job: Job, nowMs: number): boolean {
    return this.#retentionMs !== null && nowMs >= job.finishedAtMs + this.#retentionMs;
  }

  #forget(job: Job): void {
    this.#byId.delete(job.id);
    if (this.#byKey.get(job.idempotencyKey) === job) this.#byKey.delete(job.idempotencyKey);
  }

  #sweepFromTimeToTime(nowMs: number): void {
    this.#submitsSinceSweep += 1;
    if (this.#retentionMs === null) return;
    if (this.#submitsSinceSweep < Math.max(SWEEP_EVERY_SUBMITS, this.#byId.size / 2)) return;

    this.#submitsSinceSweep = 0;
    for (const job of this.#byId.values()) {
      if (this.#expired(job, nowMs)) this.#forget(job);
    }
  }
}

/** The status of a job at a given time. */
export function jobStatus(job: Job, nowMs: number): JobStatus {
  if (nowMs < job.runningAtMs) return 'pending';
  if (nowMs < job.finishedAtMs) return 'running';
  return job.outcome;
}
