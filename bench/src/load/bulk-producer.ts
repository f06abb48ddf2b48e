import { CompressionTypes, type Kafka, type Message } from 'kafkajs';

/** Defaults of {@link produceBulk}. */
export const BULK_DEFAULTS = Object.freeze({
  /** Records per produce request. */
  batchRecords: 2_000,
  /** Produce requests in flight at once. */
  inFlight: 4,
});

export interface BulkOptions {
  topic: string;
  count: number;
  /** Builds record `index` (0-based); called in order, once per record. */
  record(index: number): Promise<Message> | Message;
  batchRecords?: number;
  inFlight?: number;
  /** Called after each acknowledged batch with the number acknowledged so far. */
  onProgress?(acknowledged: number): void;
}

/**
 * Writes `count` records as fast as the broker takes them: many records per request, several
 * requests in flight, no compression, acks from all replicas. This is load generation, not the
 * pipeline's own producing, so it optimises for getting a backlog in place quickly.
 */
export async function produceBulk(kafka: Kafka, options: BulkOptions): Promise<void> {
  const settings = { ...BULK_DEFAULTS, ...options };
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  await producer.connect();
  let next = 0;
  let acknowledged = 0;

  const worker = async () => {
    while (next < settings.count) {
      const first = next;
      const last = Math.min(settings.count, first + settings.batchRecords);
      next = last;

      const messages: Message[] = [];
      for (let index = first; index < last; index += 1) messages.push(await settings.record(index));
      await producer.send({
        topic: settings.topic,
        messages,
        acks: -1,
        compression: CompressionTypes.None,
      });
      acknowledged += messages.length;
      settings.onProgress?.(acknowledged);
    }
  };

  try {
    await Promise.all(Array.from({ length: settings.inFlight }, worker));
  } finally {
    await producer.disconnect();
  }
}
