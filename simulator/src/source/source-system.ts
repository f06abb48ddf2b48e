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

// The knobs of a source, and the samplers and fault plan that play them.
interface PlayedKnobs {
  knobs: SourceKnobs;
  plan: FaultPlan;
  /** Undefined when the latency is always zero, so the hot path skips timers. */
  latency: LatencySampler | undefined;
  pendingMs: LatencySampler;
  durationMs: LatencySampler;
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
  #played: PlayedKnobs;
  #bucket: TokenBucket | undefined;
  #outage: OutageMode | undefined;
  #flappedDown = false;

  constructor(name: string, knobs: SourceKnobs, seed: number, nowMs: number) {
    this.name = name;
    this.jobs = new JobStore(name);
    this.#faultRandom = seededRandom(deriveSeed(seed, `${name}/faults`));
    this.#latencyRandom = seededRandom(deriveSeed(seed, `${name}/latency`));
    this.#jobRandom = seededRandom(deriveSeed(seed, `${name}/jobs`));
    this.#played = this.#play(knobs);
    this.#bucket = bucketFor(knobs, nowMs);
  }

  get knobs(): Readonly<SourceKnobs> {
    return this.#played.knobs;
  }

  /** The outage in force: the one set by hand, else `refuse` while flapped down. */
  get outage(): OutageMode | undefined {
    return this.#outage ?? (this.#flappedDown ? 'refuse' : undefined);
  }

  /**
   * Replaces the knobs. The rate limiter restarts full only when its settings change; forced
   * faults count their uses afresh only when they are given anew.
   */
  reconfigure(knobs: SourceKnobs, nowMs: number): void {
    const previous = this.#played.knobs;
    // New forced faults count their `times` afresh.
    if (knobs.forced !== previous.forced) this.#forcedUses.clear();
    this.#played = this.#play(knobs);
    if (JSON.stringify(knobs.rateLimit) !== JSON.stringify(previous.rateLimit)) {
      this.#bucket = bucketFor(knobs, nowMs);
    }
  }

  /** Takes the source down in the given way, or brings it back with `undefined`. */
  setOutage(mode: OutageMode | undefined): void {
    this.#outage = mode;
  }

  /** Marks the source down or up for its `flap` knob; an outage set by hand takes precedence. */
  setFlappedDown(down: boolean): void {
    this.#flappedDown = down;
  }

  /** What the request's credentials amount to for this source. */
  checkCredentials(headers: IncomingHttpHeaders): CredentialCheck {
    return checkCredentials(this.#played.knobs.auth, headers);
  }

  /** Asks the rate limiter for a token. */
  admit(nowMs: number): Admission {
    return this.#bucket === undefined ? GRANTED : this.#bucket.take(nowMs);
  }

  /** The delay before this answer, in milliseconds (0 without a latency knob). */
  latencyMs(): number {
    const latency = this.#played.latency;
    return latency === undefined ? 0 : latency();
  }

  /** The fault forced for this request id, if any is left. */
  forcedFault(requestId: string): FaultKind | undefined {
    return this.#played.plan.forcedFault(requestId);
  }

  /** One random draw against the fault rates. */
  randomFault(): FaultKind | undefined {
    return this.#played.plan.randomFault();
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
      const played = this.#played;
      const failDraw = this.#jobRandom();
      return {
        pendingMs: played.pendingMs(),
        durationMs: played.durationMs(),
        failed: options.forceFailure || failDraw < played.knobs.job.failRate,
      };
    });
  }

  /** Clears counters and the record of used-up forced faults; jobs too when asked. */
  reset(options: { jobs: boolean }): void {
    this.counters.reset();
    this.#forcedUses.clear();
    if (options.jobs) this.jobs.clear();
  }

  // Everything derived from the knobs; the random streams carry on across changes.
  #play(knobs: SourceKnobs): PlayedKnobs {
    this.jobs.setRetention(knobs.job.retentionMs);
    return {
      knobs,
      plan: new FaultPlan(knobs.faults, knobs.forced, this.#faultRandom, this.#forcedUses),
      latency: isZeroLatency(knobs.latency)
        ? undefined
        : latencySampler(knobs.latency, this.#latencyRandom),
      pendingMs: latencySampler(knobs.job.pendingMs, this.#jobRandom),
      durationMs: latencySampler(knobs.job.durationMs, this.#jobRandom),
    };
  }
}

function bucketFor(knobs: SourceKnobs, nowMs: number): TokenBucket | undefined {
  return knobs.rateLimit === null ? undefined : new TokenBucket(knobs.rateLimit, nowMs);
}
