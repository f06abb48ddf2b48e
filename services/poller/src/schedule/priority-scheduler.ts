import { Fifo } from './fifo';

/** A priority lane; high always goes first. */
export type Lane = 'high' | 'standard';

/** What the scheduler needs to know about a waiting task. */
export interface Schedulable {
  lane: Lane;
  sourceSystem: string;
}

const LANES: readonly Lane[] = Object.freeze(['high', 'standard']);

/**
 * Waiting tasks, one FIFO queue per lane and source system. `take` hands out a high task before
 * any standard one, and within a lane visits source systems in turn, skipping a source that
 * cannot start work now (its slots or tokens are used up), so a busy source never blocks others.
 */
export class PriorityScheduler<T extends Schedulable> {
  readonly #queues: Record<Lane, Map<string, Fifo<T>>> = { high: new Map(), standard: new Map() };
  readonly #sizes: Record<Lane, number> = { high: 0, standard: 0 };

  /** Tasks waiting in all lanes. */
  get size(): number {
    return this.#sizes.high + this.#sizes.standard;
  }

  /** Tasks waiting in one lane. */
  sizeOf(lane: Lane): number {
    return this.#sizes[lane];
  }

  enqueue(item: T): void {
    const lane = this.#queues[item.lane];
    let queue = lane.get(item.sourceSystem);
    if (!queue) {
      queue = new Fifo<T>();
      lane.set(item.sourceSystem, queue);
    }
    queue.push(item);
    this.#sizes[item.lane] += 1;
  }

  /**
   * The next task whose source system `admit` accepts, high lane first. `admit` is asked at most
   * once per source and lane, and only a task it accepted is removed, so it may take a slot or a
   * token as a side effect.
   */
  take(admit: (sourceSystem: string) => boolean): T | undefined {
    for (const lane of LANES) {
      const item = this.#takeFrom(lane, admit);
      if (item) return item;
    }
    return undefined;
  }

  /** Removes and returns every waiting task that matches. */
  removeWhere(matches: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const lane of LANES) {
      for (const queue of this.#queues[lane].values()) {
        const gone = queue.removeWhere(matches);
        this.#sizes[lane] -= gone.length;
        removed.push(...gone);
      }
    }
    return removed;
  }

  #takeFrom(lane: Lane, admit: (sourceSystem: string) => boolean): T | undefined {
    const queues = this.#queues[lane];
    for (const [sourceSystem, queue] of queues) {
      if (queue.length === 0 || !admit(sourceSystem)) continue;

      const item = queue.shift() as T;
      this.#sizes[lane] -= 1;
      // Moving the source to the end of the map's order makes the next take start elsewhere.
      queues.delete(sourceSystem);
      if (queue.length > 0) queues.set(sourceSystem, queue);
      return item;
    }
    return undefined;
  }
}
