import type { IncomingHttpHeaders } from 'node:http';
import type { FaultKind, SourceKnobs } from '../config/knobs';
import { isZeroLatency, latencySampler, type LatencySampler } from '../random/latency';
import { deriveSeed, seededRandom, type Random } from '../random/prng';
import { checkCredentials, type CredentialCheck } from './credentials';
import { FaultPlan } from './fault-plan';
import { JobStore, type SubmitResult, type WorkOrder } from './job-store';
import { SourceCounters } from './source-counters';
import { TokenBucket, type Admission } from './token-bucket';

/**
 * How a source is down. `refuse`: its own listener is closed, so connections to it are refused
 * (on the shared port, where the listener must stay up for the others, the connection is reset
 * instead). `reset`: every connection is reset. `unavailable`: every request gets 503.
 */
export type OutageMode = 'refuse' | 'reset' | 'unavailable';

/** How a new job is started. */
export interface JobOptions {
  /** End the job `failed` whatever the fail rate says. */
  forceFailure: boolean;
  /** Finish at once (the synchronous variant); default false. */
  instant?: boolean;
}

const GRANTED: Admission = Object.freeze({ granted: true as const });

/**
 * The state of one simulated source system: its knobs, the random streams that play them, its
 * rate limiter, its jobs and its counters. Each purpose draws from its own seeded stream, so a
 * change to the latency knob never shifts the sequence of faults.
 */
export class SourceSystem {
  readonly name: string;
  readonly counters = new SourceCounters();
  readonly jobs: JobStore;
  readonly #faultRandom: Random;
  readonly #latencyRandom: Random;
  readonly #jobRandom: Random;
  readonly #forcedUses = new Map<string, number>();
  #knobs: SourceKnobs;
  #plan: FaultPlan;
  #latency: LatencySampler | undefined;
  #pendingMs: LatencySampler;
  #durationMs: LatencySampler;
  #bucket: TokenBucket | undefined;
  #outage: OutageMode | undefined;

  constructor(name: string, knobs: SourceKnobs, seed: number, nowMs: number) {
    this.name = name;
    this.jobs = new JobStore(name);
    this.#faultRandom = seededRandom(deriveSeed(seed, `${name}/faults`));
    this.#latencyRandom = seededRandom(deriveSeed(seed, `${name}/latency`));
    this.#jobRandom = seededRandom(deriveSeed(seed, `${name}/jobs`));
    this.#knobs = knobs;
    this.#plan = this.#buildPlan(knobs);
    this.#pendingMs = latencySampler(knobs.job.pendingMs, this.#jobRandom);
    this.#durationMs = latencySampler(knobs.job.durationMs, this.#jobRandom);
    this.#applyKnobs(knobs, nowMs);
  }

  get knobs(): Readonly<SourceKnobs> {
    return this.#knobs;
  }

  get outage(): OutageMode | undefined {
    return this.#outage;
  }

  /** Replaces the knobs; the rate limiter restarts full when its settings change. */
  reconfigure(knobs: SourceKnobs, nowMs: number): void {
    const limitChanged = JSON.stringify(knobs.rateLimit) !== JSON.stringify(this.#knobs.rateLimit);
    this.#knobs = knobs;
    this.#plan = this.#buildPlan(knobs);
    this.#pendingMs = latencySampler(knobs.job.pendingMs, this.#jobRandom);
    this.#durationMs = latencySampler(knobs.job.durationMs, this.#jobRandom);
    if (limitChanged) this.#applyKnobs(knobs, nowMs);
    else this.#latency = this.#latencyFor(knobs);
  }

  /** Takes the source down in the given way, or brings it back with `undefined`. */
  setOutage(mode: OutageMode | undefined): void {
    this.#outage = mode;
  }

  /** What the request's credentials amount to for this source. */
  checkCredentials(headers: IncomingHttpHeaders): CredentialCheck {
    return checkCredentials(this.#knobs.auth, headers);
  }

  /** Asks the rate limiter for a token. */
  admit(nowMs: number): Admission {
    return this.#bucket === undefined ? GRANTED : this.#bucket.take(nowMs);
  }

  /** The delay before this answer, in milliseconds (0 without a latency knob). */
  latencyMs(): number {
    return this.#latency === undefined ? 0 : this.#latency();
  }

  /** The fault forced for this request id, if any is left. */
  forcedFault(requestId: string): FaultKind | undefined {
    return this.#plan.forcedFault(requestId);
  }

  /** One random draw against the fault rates. */
  randomFault(): FaultKind | undefined {
    return this.#plan.randomFault();
  }

  /**
   * Starts a job under the key, or returns the one the key already names. An `instant` job (the
   * synchronous variant) is finished at once and fails only when forced to.
   */
  startJob(key: string, order: WorkOrder, nowMs: number, options: JobOptions): SubmitResult {
    return this.jobs.submit(key, order, nowMs, () => {
      if (options.instant === true) {
        return { pendingMs: 0, durationMs: 0, failed: options.forceFailure };
      }
      const failDraw = this.#jobRandom();
      return {
        pendingMs: this.#pendingMs(),
        durationMs: this.#durationMs(),
        failed: options.forceFailure || failDraw < this.#knobs.job.failRate,
      };
    });
  }

  /** Clears counters and the record of used-up forced faults; jobs too when asked. */
  reset(options: { jobs: boolean }): void {
    this.counters.reset();
    this.#forcedUses.clear();
    if (options.jobs) this.jobs.clear();
  }

  #buildPlan(knobs: SourceKnobs): FaultPlan {
    return new FaultPlan(knobs.faults, knobs.forced, this.#faultRandom, this.#forcedUses);
  }

  #applyKnobs(knobs: SourceKnobs, nowMs: number): void {
    this.#latency = this.#latencyFor(knobs);
    this.#bucket = knobs.rateLimit === null ? undefined : new TokenBucket(knobs.rateLimit, nowMs);
  }

  #latencyFor(knobs: SourceKnobs): LatencySampler | undefined {
    return isZeroLatency(knobs.latency)
      ? undefined
      : latencySampler(knobs.latency, this.#latencyRandom);
  }
}
