/** Caps on how many tasks run at once. */
export interface ConcurrencyCaps {
  /** Most tasks running at once across every source system. */
  global: number;
  /** Most tasks running at once against one source system, by source system. */
  perSource: ReadonlyMap<string, number>;
}

/**
 * Counts running tasks globally and per source system against their caps. A slot is acquired
 * only when both the global and the source's count are below their caps, so a slow source can
 * hold at most its own share of the global slots and never starve the others.
 */
export class ConcurrencyLimits {
  readonly #caps: ConcurrencyCaps;
  readonly #running = new Map<string, number>();
  #total = 0;

  constructor(caps: ConcurrencyCaps) {
    this.#caps = caps;
  }

  /** Tasks running now, across all sources. */
  get running(): number {
    return this.#total;
  }

  /** Whether any global slot is free. */
  hasGlobalSlot(): boolean {
    return this.#total < this.#caps.global;
  }

  /** Whether a task of this source could start now. */
  canStart(sourceSystem: string): boolean {
    return this.hasGlobalSlot() && this.runningFor(sourceSystem) < this.#capFor(sourceSystem);
  }

  /** Takes a slot for the source; returns false, taking nothing, when a cap is reached. */
  tryAcquire(sourceSystem: string): boolean {
    if (!this.canStart(sourceSystem)) return false;

    this.#running.set(sourceSystem, this.runningFor(sourceSystem) + 1);
    this.#total += 1;
    return true;
  }

  /** Gives back a slot taken with `tryAcquire`. */
  release(sourceSystem: string): void {
    const current = this.runningFor(sourceSystem);
    if (current === 0) return;

    this.#running.set(sourceSystem, current - 1);
    this.#total -= 1;
  }

  /** Tasks of this source running now. */
  runningFor(sourceSystem: string): number {
    return this.#running.get(sourceSystem) ?? 0;
  }

  #capFor(sourceSystem: string): number {
    return this.#caps.perSource.get(sourceSystem) ?? this.#caps.global;
  }
}
