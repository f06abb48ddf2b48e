/** What to do with a record the consumer delivered. */
export type TrackDecision = 'run' | 'skip';

/** The offset to commit for a partition and the records above it that are done. */
export interface CommitPoint {
  /** The next offset to consume: every record below it reached its outcome. */
  offset: number;
  /** Offsets above `offset` whose records reached their outcome too. */
  doneAbove: number[];
}

/**
 * Tracks the records of one partition between delivery and outcome. Records finish out of
 * order, so the commit point is the lowest record still running; finished records above it are
 * reported separately so they can travel in the commit's metadata.
 */
export class PartitionTracker {
  /** Offset → done, in delivery (and so offset) order. */
  readonly #entries = new Map<number, boolean>();
  /** Every offset below this one is done and forgotten. */
  #floor: number;
  #running = 0;
  readonly #doneBefore: Set<number>;

  /**
   * @param committed the partition's committed offset when this member took it over
   * @param doneBefore offsets above `committed` that the previous owner recorded as done
   */
  constructor(committed: number, doneBefore: readonly number[] = []) {
    this.#floor = committed;
    this.#doneBefore = new Set(doneBefore);
  }

  /** Records delivered and not yet done. */
  get running(): number {
    return this.#running;
  }

  /**
   * Registers a delivered record. `skip` means it already reached its outcome (here or at the
   * previous owner) or is running now, as happens when the consumer fetches it again after a
   * rebalance.
   */
  track(offset: number): TrackDecision {
    if (offset < this.#floor || this.#entries.has(offset)) return 'skip';

    if (this.#doneBefore.delete(offset)) {
      this.#entries.set(offset, true);
      this.#drain();
      return 'skip';
    }
    this.#entries.set(offset, false);
    this.#running += 1;
    return 'run';
  }

  /** Marks a running record as done. */
  complete(offset: number): void {
    if (this.#entries.get(offset) !== false) return;

    this.#entries.set(offset, true);
    this.#running -= 1;
    this.#drain();
  }

  /** Forgets a running record that was handed back unprocessed and will be delivered again. */
  forget(offset: number): void {
    if (this.#entries.get(offset) !== false) return;

    this.#entries.delete(offset);
    this.#running -= 1;
  }

  /** Where the committed offset may move now. */
  commitPoint(): CommitPoint {
    const doneAbove: number[] = [];
    for (const [offset, done] of this.#entries) if (done) doneAbove.push(offset);
    for (const offset of this.#doneBefore) if (offset > this.#floor) doneAbove.push(offset);

    return { offset: this.#floor, doneAbove: doneAbove.sort((a, b) => a - b) };
  }

  #drain(): void {
    for (const [offset, done] of this.#entries) {
      if (!done) {
        this.#floor = offset;
        return;
      }
      this.#entries.delete(offset);
      this.#floor = offset + 1;
    }
  }
}
