import type { RateLimitKnob } from '../config/knobs';

/** What the bucket said: go ahead, or wait this long before the next token. */
export type Admission = { granted: true } | { granted: false; retryAfterMs: number };

/**
 * A token bucket: it starts full (`burst` tokens), refills continuously at `ratePerSec`, and each
 * request takes one token. Time comes from the caller so that tests can drive it.
 */
export class TokenBucket {
  readonly #limit: RateLimitKnob;
  #tokens: number;
  #refilledAtMs: number;

  constructor(limit: RateLimitKnob, nowMs: number) {
    this.#limit = { ...limit };
    this.#tokens = limit.burst;
    this.#refilledAtMs = nowMs;
  }

  /** Takes a token if one is available. */
  take(nowMs: number): Admission {
    this.#refill(nowMs);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { granted: true };
    }

    const missing = 1 - this.#tokens;
    return { granted: false, retryAfterMs: Math.ceil((missing / this.#limit.ratePerSec) * 1000) };
  }

  #refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.#refilledAtMs);
    this.#refilledAtMs = nowMs;
    this.#tokens = Math.min(
      this.#limit.burst,
      this.#tokens + (elapsedMs / 1000) * this.#limit.ratePerSec,
    );
  }
}
