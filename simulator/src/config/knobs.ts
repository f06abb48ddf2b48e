import type { LatencySpec } from '../random/latency';

/** How callers of a source prove who they are. */
export type AuthKnob =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'api-key'; header: string; key: string };

/**
 * What a source can do instead of answering normally. Faults before `slow` happen before the
 * source does any work; `slow` and `lost-response` happen after it did (the submit started its
 * job), which is exactly what an idempotency key is for.
 */
export type FaultKind =
  | 'server-error'
  | 'rate-limited'
  | 'unavailable'
  | 'reset'
  | 'unauthorized'
  | 'forbidden'
  | 'unprocessable'
  | 'slow'
  | 'lost-response'
  | 'job-failed';

/** Per-request probabilities (0..1) of each fault; their sum must not exceed 1. Default all 0. */
export interface FaultRates {
  /** 500 Internal Server Error. */
  serverError: number;
  /** 429 Too Many Requests with Retry-After (independent of the rate limit). */
  rateLimited: number;
  /** 503 Service Unavailable with Retry-After. */
  unavailable: number;
  /** The connection is reset (TCP RST) before any work is done. */
  reset: number;
  /** 401 Unauthorized although the credentials are right (a revoked token). */
  unauthorized: number;
  /** 403 Forbidden. */
  forbidden: number;
  /** 422 Unprocessable Entity. */
  unprocessable: number;
  /** The work is done, then the answer is held for `slowDelayMs` (past any client timeout). */
  slow: number;
  /** The work is done, then the connection is reset instead of answering. */
  lostResponse: number;
}

/** A fault applied to submits of one request id, `times` times (default: always). */
export interface ForcedFault {
  fault: FaultKind;
  times?: number;
}

/** A token bucket: `ratePerSec` tokens refill per second, at most `burst` are held. */
export interface RateLimitKnob {
  ratePerSec: number;
  burst: number;
}

/** Up for `upMs`, then refusing connections for `downMs`, over and over. */
export interface FlapKnob {
  upMs: number;
  downMs: number;
}

/** How asynchronous jobs progress: pending for `pendingMs`, running for `durationMs`. */
export interface JobKnobs {
  pendingMs: LatencySpec;
  durationMs: LatencySpec;
  /** Probability (0..1) that a job ends `failed` instead of `done`. Default 0. */
  failRate: number;
  /**
   * How long a finished job (and its idempotency key) is remembered, in milliseconds; after
   * that its id is unknown (404) and its key starts a new job. Null (default): for ever.
   */
  retentionMs: number | null;
}

/** Every knob of one simulated source system, fully resolved. */
export interface SourceKnobs {
  auth: AuthKnob;
  /** Delay before every answer; default 0. */
  latency: LatencySpec;
  faults: FaultRates;
  /** Retry-After, in whole seconds, on 429 and 503 answers; default 1. */
  retryAfterSec: number;
  /** How long a `slow` answer is held; default 30 s. */
  slowDelayMs: number;
  /** Faults forced for given request ids (checked before the rates). */
  forced: Record<string, ForcedFault>;
  /** Token-bucket rate limit answering 429; null (default) for none. */
  rateLimit: RateLimitKnob | null;
  /** Requests answered at once beyond which the source answers 429; null (default): no cap. */
  maxInFlight: number | null;
  /**
   * Refused connections at a rate: the source's own listener alternates between open and
   * closed. Null (default): always open.
   */
  flap: FlapKnob | null;
  job: JobKnobs;
  /** Records in an access result; default 3. */
  resultRecords: number;
  /** Port of the source's own listener; 0 (default) picks a free one. Fixed once created. */
  port: number;
}

/** A partial set of knobs, as given at creation or in an update; nested objects merge. */
export interface SourceKnobsInput {
  auth?: AuthKnob;
  latency?: LatencySpec;
  faults?: Partial<FaultRates>;
  retryAfterSec?: number;
  slowDelayMs?: number;
  forced?: Record<string, ForcedFault>;
  rateLimit?: RateLimitKnob | null;
  maxInFlight?: number | null;
  flap?: FlapKnob | null;
  job?: Partial<JobKnobs>;
  resultRecords?: number;
  port?: number;
}

/** Knobs of a well-behaved source: no auth, no latency, no faults, instant jobs. */
export const DEFAULT_KNOBS: Readonly<SourceKnobs> = Object.freeze({
  auth: Object.freeze({ kind: 'none' as const }),
  latency: 0,
  faults: Object.freeze({
    serverError: 0,
    rateLimited: 0,
    unavailable: 0,
    reset: 0,
    unauthorized: 0,
    forbidden: 0,
    unprocessable: 0,
    slow: 0,
    lostResponse: 0,
  }),
  retryAfterSec: 1,
  slowDelayMs: 30_000,
  forced: Object.freeze({}),
  rateLimit: null,
  maxInFlight: null,
  flap: null,
  job: Object.freeze({ pendingMs: 0, durationMs: 0, failRate: 0, retentionMs: null }),
  resultRecords: 3,
  port: 0,
});

/** Merges an input over a base into a new object; neither argument is modified. */
export function mergeKnobs(base: Readonly<SourceKnobs>, input: SourceKnobsInput): SourceKnobs {
  return {
    auth: input.auth ?? base.auth,
    latency: input.latency ?? base.latency,
    faults: { ...base.faults, ...input.faults },
    retryAfterSec: input.retryAfterSec ?? base.retryAfterSec,
    slowDelayMs: input.slowDelayMs ?? base.slowDelayMs,
    forced: input.forced ?? base.forced,
    rateLimit: input.rateLimit === undefined ? base.rateLimit : input.rateLimit,
    maxInFlight: input.maxInFlight === undefined ? base.maxInFlight : input.maxInFlight,
    flap: input.flap === undefined ? base.flap : input.flap,
    job: { ...base.job, ...input.job },
    resultRecords: input.resultRecords ?? base.resultRecords,
    port: input.port ?? base.port,
  };
}
