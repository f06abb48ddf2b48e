import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../config/poller-config';
import type { SourceConnector } from '../connectors/source-connector';
import { classifyFailure } from '../failure/classify-failure';
import { TokenBucket } from '../schedule/token-bucket';

/** The state of a breaker, as metrics name it. */
export type BreakerState = 'closed' | 'half_open' | 'open';

/**
 * What stands between the poller and one source system: its connector, its circuit breaker and
 * its rate limiter. Only transient failures count against the breaker: a source that rightly
 * refuses a bad request is not unhealthy.
 */
export class SourceGuard {
  readonly sourceSystem: string;
  readonly connector: SourceConnector;
  readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  readonly #bucket: TokenBucket | undefined;
  readonly #resetTimeoutMs: number;

  constructor(
    sourceSystem: string,
    connector: SourceConnector,
    breaker: BreakerConfig,
    rateLimit: { ratePerSecond: number; burst?: number } | undefined,
    nowMs: number,
  ) {
    this.sourceSystem = sourceSystem;
    this.connector = connector;
    this.#resetTimeoutMs = breaker.resetTimeoutMs;
    this.#bucket = rateLimit ? new TokenBucket(rateLimit, nowMs) : undefined;
    this.breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      name: sourceSystem,
      timeout: breaker.timeoutMs,
      errorThresholdPercentage: breaker.errorThresholdPercentage,
      resetTimeout: breaker.resetTimeoutMs,
      volumeThreshold: breaker.volumeThreshold,
      rollingCountTimeout: breaker.rollingCountTimeoutMs,
      rollingCountBuckets: breaker.rollingCountBuckets,
      errorFilter: (error: unknown) => classifyFailure(error).category !== 'transient',
    });
  }

  /** How long a refused task waits before it is offered to the breaker again, milliseconds. */
  get deferMs(): number {
    return this.#resetTimeoutMs;
  }

  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half_open' : 'closed';
  }

  /**
   * Whether a task may start now. An open breaker refuses without calling the source, so such a
   * task is let through without spending a rate-limit token.
   */
  admit(nowMs: number): boolean {
    if (this.breaker.opened && !this.breaker.halfOpen) return true;
    return this.#bucket ? this.#bucket.tryTake(nowMs) : true;
  }

  /** Milliseconds until the rate limiter has a token again. */
  waitMs(nowMs: number): number {
    return this.#bucket ? this.#bucket.waitMs(nowMs) : 0;
  }

  /** Runs a call through the breaker. */
  call<T>(work: () => Promise<T>): Promise<T> {
    return this.breaker.fire(work) as Promise<T>;
  }

  async close(): Promise<void> {
    this.breaker.shutdown();
    await this.connector.close();
  }
}
