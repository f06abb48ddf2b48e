/** Options of a token bucket. */
export interface TokenBucketOptions {
  /** Tokens added per second; the sustained rate. */
  ratePerSecond: number;
  /** Most tokens the bucket holds; the largest burst. Default: one second's worth, at least 1. */
  burst?: number;
}

/**
 * A token-bucket rate limiter driven by an explicit clock, so it can be reasoned about and tested
 * without timers. The bucket starts full.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #refilledAt: number;

  constructor(options: TokenBucketOptions, nowMs: number) {
    this.#ratePerMs = options.ratePerSecond / 1000;
    this.#capacity = options.burst ?? Math.max(1, options.ratePerSecond);
    this.#tokens = this.#capacity;
    this.#refilledAt = nowMs;
  }

  /** Takes one token if one is available at `nowMs`; returns whether it did. */
  tryTake(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;

    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds from `nowMs` until a token is available; 0 when one is available now. */
  waitMs(nowMs: number): number {
    this.#refill(nowMs);
    if (this.#tokens >= 1) return 0;

    return Math.ceil((1 - this.#tokens) / this.#ratePerMs);
  }

  #refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.#refilledAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsedMs * this.#ratePerMs);
    this.#refilledAt = Math.max(this.#refilledAt, nowMs);
  }
}
