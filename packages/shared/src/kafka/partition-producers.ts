import type { Kafka, Producer } from 'kafkajs';

/** The producer that writes for one input partition, and where that partition resumes. */
export interface PartitionSlot {
  producer: Producer;
  generation: number;
  /** The first offset not yet committed; records below it were committed by a predecessor. */
  nextOffset: bigint;
}

/** How {@link PartitionProducers} creates producers and learns where a partition resumes. */
export interface PartitionProducersOptions {
  kafka: Kafka;
  /** Prefix of the per-partition transactional ids. */
  transactionalIdPrefix: string;
  /** Broker-side transaction timeout in ms. */
  transactionTimeoutMs: number;
  /** The consumer group's committed offset of a partition; -1 when it has none. */
  committedOffset: (topic: string, partition: number) => Promise<bigint>;
}

/** Kafka error types by which the broker tells a producer that a newer one replaced it. */
const FENCING_ERRORS: ReadonlySet<string> = new Set([
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

/**
 * One transactional producer per input partition. Initialising a partition's producer bumps the
 * epoch of its transactional id, which aborts a predecessor's open transaction and fences the
 * predecessor's later writes; only then is the partition's committed offset read.
 */
export class PartitionProducers {
  private readonly slots = new Map<string, PartitionSlot>();

  constructor(private readonly options: PartitionProducersOptions) {}

  /**
   * The partition's producer for `generation`, initialised (and so fencing any predecessor)
   * before the partition's committed offset is read.
   */
  async slotFor(topic: string, partition: number, generation: number): Promise<PartitionSlot> {
    const key = partitionKey(topic, partition);
    const existing = this.slots.get(key);
    if (existing && existing.generation === generation) return existing;

    if (existing) await this.drop(topic, partition);
    const producer = this.options.kafka.producer({
      transactionalId: partitionTransactionalId(
        this.options.transactionalIdPrefix,
        topic,
        partition,
      ),
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs,
    });
    await producer.connect();

    // Beginning a transaction runs InitProducerId; nothing was added, so aborting sends nothing.
    await (await producer.transaction()).abort();
    const slot = {
      producer,
      generation,
      nextOffset: await this.options.committedOffset(topic, partition),
    };
    this.slots.set(key, slot);
    return slot;
  }

  /** Forgets the partition's producer and disconnects it, so the next use fences afresh. */
  async drop(topic: string, partition: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const slot = this.slots.get(key);
    this.slots.delete(key);
    await slot?.producer.disconnect().catch(() => undefined);
  }

  /** Disconnects every partition's producer. */
  async disconnectAll(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => slot.producer.disconnect()));
    this.slots.clear();
  }
}

/**
 * The transactional id of the producer that writes for one input partition. Every instance of a
 * service derives the same id for the same partition, which is what lets the broker fence the
 * previous owner.
 */
export function partitionTransactionalId(prefix: string, topic: string, partition: number): string {
  return `${prefix}.${topic}:${partition}`;
}

/** The key of one partition in per-partition maps, as `topic:partition`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** Whether the error, or one of its causes, says a newer producer replaced this one. */
export function isFenced(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCING_ERRORS.has(type)) return true;
  }
  return false;
}
