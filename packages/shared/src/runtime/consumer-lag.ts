import type { Admin } from 'kafkajs';
import type { PipelineMetrics } from './metrics';

/** How far one partition's committed offset is behind its end. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset, or null when it has never committed on this partition. */
  committedOffset: string | null;
  /** The offset the next record written to the partition will get (the high watermark). */
  endOffset: string;
  /** Records not yet committed by the group. */
  lag: number;
}

/** A consumer group's lag over the topics it reads. */
export interface GroupLag {
  groupId: string;
  totalLag: number;
  partitions: PartitionLag[];
}

/**
 * Computes a consumer group's lag from its committed offsets and each partition's end offset.
 * A partition the group has never committed on counts every record still retained on it (end
 * minus start), which is what the group will read when it first joins with `fromBeginning`.
 * Transaction markers occupy offsets too, so on transactional topics lag is an upper bound.
 */
export async function fetchConsumerLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<GroupLag> {
  if (topics.length === 0) return { groupId, totalLag: 0, partitions: [] };

  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const partitions: PartitionLag[] = [];

  for (const { topic, partitions: offsets } of committed) {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((e) => [e.partition, e]));
    for (const { partition, offset } of offsets) {
      const end = ends.get(partition);
      if (!end) continue;

      partitions.push(partitionLag(topic, partition, offset, end.low, end.high));
    }
  }

  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const totalLag = partitions.reduce((sum, p) => sum + p.lag, 0);
  return { groupId, totalLag, partitions };
}

/** One partition's lag from raw offsets; a negative committed offset means none. */
export function partitionLag(
  topic: string,
  partition: number,
  committed: string,
  low: string,
  high: string,
): PartitionLag {
  const hasCommit = Number(committed) >= 0;
  const from = hasCommit ? BigInt(committed) : BigInt(low);
  const lag = BigInt(high) - from;

  return {
    topic,
    partition,
    committedOffset: hasCommit ? committed : null,
    endOffset: high,
    lag: lag > 0n ? Number(lag) : 0,
  };
}

/** Writes a group's lag into the `dsr_consumer_lag` gauge, one series per partition. */
export function reportConsumerLag(metrics: PipelineMetrics, lag: GroupLag): void {
  for (const p of lag.partitions) {
    const labels = { group: lag.groupId, topic: p.topic, partition: String(p.partition) };
    metrics.consumerLag.set(labels, p.lag);
  }
}
