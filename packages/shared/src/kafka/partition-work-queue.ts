/**
 * Runs work for one partition at a time, in the order it was queued, while different partitions
 * proceed side by side. A failed step does not stop the steps queued after it.
 */
export class PartitionWorkQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Queues `work` behind everything queued before for `key`; settles as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves once everything queued so far has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}
