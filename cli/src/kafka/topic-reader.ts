import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface TopicReaderOptions {
  kafka: Kafka;
  topic: string;
  /** Called for every record, in partition order. */
  onMessage: (message: KafkaMessage, partition: number) => void | Promise<void>;
  /** Group id prefix; the group is ephemeral and deleted on close. Default `dsr-cli-reader`. */
  groupPrefix?: string;
}

/** A running read of a whole topic, from its first retained record onwards. */
export interface TopicReader {
  /** Resolves once every record that existed when the read began has been handed over. */
  readonly caughtUp: Promise<void>;
  /** Stops reading and deletes the ephemeral consumer group; idempotent. */
  close(): Promise<void>;
}

/**
 * Reads a topic from the beginning with a consumer group of its own, so reading never moves a
 * service's offsets. Being caught up is judged from the batch instrumentation events rather than
 * from the records handed over, because on transactional topics the last offsets of a partition
 * are commit markers that no record reaches.
 */
export async function startTopicReader(options: TopicReaderOptions): Promise<TopicReader> {
  const groupId = `${options.groupPrefix ?? 'dsr-cli-reader'}-${randomUUID()}`;
  const admin = options.kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin, options.topic);

  // A short broker wait keeps the close quick: kafkajs finishes the fetch in flight first.
  const consumer = options.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  const caughtUp = trackCatchUp(consumer, ends);
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: ({ message, partition }) => Promise.resolve(options.onMessage(message, partition)),
  });

  let closing: Promise<void> | undefined;
  const close = async () => {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  };
  return { caughtUp, close: () => (closing ??= close()) };
}

/** The offset the next record of each non-empty partition will get. */
async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const pending = offsets.filter((o) => BigInt(o.high) > BigInt(o.low));
  return new Map(pending.map((o) => [o.partition, BigInt(o.high)]));
}

function trackCatchUp(consumer: Consumer, ends: Map<number, bigint>): Promise<void> {
  const remaining = new Map(ends);
  if (remaining.size === 0) return Promise.resolve();

  return new Promise((resolve) => {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = remaining.get(payload.partition);
      if (end === undefined || BigInt(payload.lastOffset) + 1n < end) return;

      remaining.delete(payload.partition);
      if (remaining.size === 0) resolve();
    });
  });
}
