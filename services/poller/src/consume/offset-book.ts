import type { Admin } from 'kafkajs';
import type { RecordPosition } from '../outcome/outbound-record';
import { decodeOffsetMap, encodeOffsetMap } from './offset-map-codec';
import { PartitionTracker } from './partition-tracker';

/** Offsets to commit, in the shape kafkajs's `sendOffsets` takes. */
export interface TopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string; metadata: string | null }[];
}

/** Partitions per topic, as a consumer-group assignment lists them. */
export type Assignment = Readonly<Record<string, readonly number[]>>;

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The trackers of the partitions this member owns. A tracker starts from the committed offset
 * and the offset map in the commit's metadata, so records the previous owner finished are
 * skipped. A partition that is revoked loses its tracker: work still running for it is
 * abandoned, and its new owner runs it again.
 */
export class OffsetBook {
  readonly #admin: Admin;
  readonly #groupId: string;
  readonly #trackers = new Map<string, PartitionTracker>();
  readonly #loading = new Map<string, Promise<PartitionTracker>>();

  constructor(admin: Admin, groupId: string) {
    this.#admin = admin;
    this.#groupId = groupId;
  }

  /**
   * Applies a new assignment; returns the tracker keys dropped. With `fresh` (membership was
   * lost between generations) every tracker is dropped, since another member may have owned
   * any partition in between.
   */
  assign(assignment: Assignment, fresh: boolean): string[] {
    const kept = new Set(
      Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => keyOf(t, p))),
    );
    const dropped = [...this.#trackers.keys()].filter((key) => fresh || !kept.has(key));
    for (const key of dropped) this.#trackers.delete(key);
    for (const key of [...this.#loading.keys()])
      if (fresh || !kept.has(key)) this.#loading.delete(key);
    return dropped;
  }

  /** The tracker of a partition, loading the committed offset and offset map on first use. */
  tracker(topic: string, partition: number): Promise<PartitionTracker> {
    const key = keyOf(topic, partition);
    const ready = this.#trackers.get(key);
    if (ready) return Promise.resolve(ready);

    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(topic, partition).then((tracker) => {
        if (this.#loading.get(key) === loading) this.#trackers.set(key, tracker);
        return tracker;
      });
      loading.catch(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  /** Whether a tracker is still the one this member holds for its partition. */
  owns(position: RecordPosition, tracker: PartitionTracker): boolean {
    return this.#trackers.get(keyOf(position.topic, position.partition)) === tracker;
  }

  /** Records taken from a partition and not yet done. */
  running(topic: string, partition: number): number {
    return this.#trackers.get(keyOf(topic, partition))?.running ?? 0;
  }

  /** The commit points of the given partitions, with their offset maps as metadata. */
  commitOffsets(positions: Iterable<RecordPosition>): TopicOffsets[] {
    const byTopic = new Map<string, TopicOffsets>();
    const seen = new Set<string>();
    for (const { topic, partition } of positions) {
      const key = keyOf(topic, partition);
      const tracker = this.#trackers.get(key);
      if (!tracker || seen.has(key)) continue;

      seen.add(key);
      const point = tracker.commitPoint();
      const entry = byTopic.get(topic) ?? { topic, partitions: [] };
      entry.partitions.push({
        partition,
        offset: String(point.offset),
        metadata: encodeOffsetMap(point.offset, point.doneAbove),
      });
      byTopic.set(topic, entry);
    }
    return [...byTopic.values()];
  }

  async #load(topic: string, partition: number): Promise<PartitionTracker> {
    const [committed] = await this.#admin.fetchOffsets({ groupId: this.#groupId, topics: [topic] });
    const entry = committed?.partitions.find((p) => p.partition === partition);
    const offset = entry ? Number(entry.offset) : -1;
    if (!(offset >= 0)) return new PartitionTracker(0);

    return new PartitionTracker(offset, decodeOffsetMap(offset, entry?.metadata));
  }
}
