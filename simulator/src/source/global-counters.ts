/** What a test reads about the simulator as a whole. */
export interface GlobalCountersSnapshot {
  requests: number;
  inFlight: number;
  /** The most source requests being answered at once, over all sources. */
  peakInFlight: number;
}

/** Requests and concurrency over every source. */
export class GlobalCounters {
  requests = 0;
  inFlight = 0;
  peakInFlight = 0;
  #idleWaiters: Array<() => void> = [];

  /** A source request arrived. */
  enter(): void {
    this.requests += 1;
    this.inFlight += 1;
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
  }

  /** A source request was answered, or its connection ended. */
  leave(): void {
    this.inFlight -= 1;
    if (this.inFlight > 0 || this.#idleWaiters.length === 0) return;

    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Zeroes the counts; the peak restarts from what is in flight now. */
  reset(): void {
    this.requests = 0;
    this.peakInFlight = this.inFlight;
  }

  /** A copy of the counters, safe to keep. */
  snapshot(): GlobalCountersSnapshot {
    return { requests: this.requests, inFlight: this.inFlight, peakInFlight: this.peakInFlight };
  }
}
