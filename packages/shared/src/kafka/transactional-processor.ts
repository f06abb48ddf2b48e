import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  Admin,
  Consumer,
  ConsumerEndBatchProcessEvent,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
} from 'kafkajs';
import { isDsrError } from '../errors';
import type { Logger } from '../logging/logger';
import type { PipelineMetrics } from '../runtime/metrics';
import {
  isFenced,
  partitionKey,
  PartitionProducers,
  type PartitionSlot,
} from './partition-producers';
import { PartitionWorkQueue } from './partition-work-queue';
import { recordlessSpanOf, spanNeedsCommit, type RecordlessSpan } from './recordless-span';
import { backoffMs } from './transaction-backoff';
import {
  byTopic,
  toConsumedRecord,
  type ProducedRecord,
  type TransformRecord,
} from './transactional-records';

export { partitionTransactionalId } from './partition-producers';
export { backoffMs } from './transaction-backoff';
export type { ConsumedRecord, ProducedRecord, TransformRecord } from './transactional-records';

/** What a {@link TransactionalProcessor} reads, how it transforms, and how it retries. */
export interface TransactionalProcessorOptions {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  transform: TransformRecord;
  logger: Logger;
  /** Prefix of the per-partition transactional ids; default the group id. */
  transactionalIdPrefix?: string;
  /** Records committed together in one transaction; default 100. */
  maxRecordsPerTransaction?: number;
  /** Input partitions processed at the same time; default 3. */
  partitionsConsumedConcurrently?: number;
  /** Consumer session timeout in ms; default 30000. */
  sessionTimeoutMs?: number;
  /** Consumer heartbeat interval in ms; default 3000 (below the session timeout). */
  heartbeatIntervalMs?: number;
  /** Broker-side transaction timeout in ms; default 60000. */
  transactionTimeoutMs?: number;
  /** First pause after a failed transaction in ms, doubled per failure; default 200. */
  retryInitialMs?: number;
  /** Longest pause between two tries of one transaction in ms; default 10000. */
  retryMaxMs?: number;
  /** Counts consumed and produced records once their transaction committed. */
  metrics?: PipelineMetrics;
}

/** Defaults of {@link TransactionalProcessorOptions}. */
export const TRANSACTIONAL_PROCESSOR_DEFAULTS = Object.freeze({
  maxRecordsPerTransaction: 100,
  partitionsConsumedConcurrently: 3,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  transactionTimeoutMs: 60_000,
  retryInitialMs: 200,
  retryMaxMs: 10_000,
});

type Settings = TransactionalProcessorOptions &
  Required<Omit<TransactionalProcessorOptions, 'transactionalIdPrefix' | 'metrics'>>;

/**
 * Consume-transform-produce with exactly-once effect: the records a batch produces and the
 * offsets it consumed commit in one Kafka transaction.
 *
 * kafkajs commits offsets in a transaction without the consumer's generation (TxnOffsetCommit
 * v0/v1, before KIP-447), so the broker cannot tell a stale member from the current one. The
 * fence is therefore the transactional id itself: one per input partition, as Kafka Streams did
 * before KIP-447. Whoever processes a partition first initialises that partition's producer,
 * which bumps the epoch, aborts a predecessor's open transaction and fences the predecessor's
 * later writes; only then does it read the partition's committed offset, so records a predecessor
 * committed in the meantime are skipped rather than processed twice. The same re-initialisation
 * follows any failed transaction, which also settles a commit whose answer was lost.
 *
 * Transactional upstream producers leave a marker after each transaction, and a partition's last
 * offsets are often markers. The committed offset moves past them, so an idle group's lag is 0:
 * a batch's final transaction commits up to the batch's last offset, markers included, and a
 * fetch made only of markers (which kafkajs never hands to `eachBatch`) is committed by a
 * transaction that carries only the offsets, queued with the partition's other work.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-447%3A+Producer+scalability+for+exactly+once+semantics
 */
export class TransactionalProcessor extends EventEmitter<{ crash: [error: unknown] }> {
  private readonly settings: Settings;
  private readonly log: Logger;
  private readonly producers: PartitionProducers;
  /** Consecutive failed transactions per partition, for the backoff. */
  private readonly failures = new Map<string, number>();
  /** Serialises each partition's transactions, so one producer never has two open at once. */
  private readonly partitionWork = new PartitionWorkQueue();
  /** Partitions of the current generation's assignment, as `topic:partition`. */
  private assigned: ReadonlySet<string> = new Set();
  private readonly stopping = new AbortController();
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private generation = 0;
  private closing: Promise<void> | undefined;
  private joinedGroup = false;

  constructor(options: TransactionalProcessorOptions) {
    super();
    this.settings = { ...TRANSACTIONAL_PROCESSOR_DEFAULTS, ...options };
    this.log = options.logger.child({
      component: 'transactional-processor',
      group: options.groupId,
    });
    this.producers = new PartitionProducers({
      kafka: options.kafka,
      transactionalIdPrefix: options.transactionalIdPrefix ?? options.groupId,
      transactionTimeoutMs: this.settings.transactionTimeoutMs,
      committedOffset: (topic, partition) => this.committedOffset(topic, partition),
    });
  }

  /** Whether the consumer has joined its group and holds an assignment. */
  get joined(): boolean {
    return this.joinedGroup;
  }

  /** Connects, subscribes and starts processing; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.settings;
    this.admin = kafka.admin();
    await this.admin.connect();

    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      readUncommitted: false,
    });
    this.consumer = consumer;
    this.watchGroup(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /** Stops fetching new batches; the batch in progress finishes or is handed back uncommitted. */
  async stopFetching(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.stop();
  }

  /**
   * Stops fetching, lets the batch in progress end, then disconnects the consumer, every
   * partition producer and the admin client. Idempotent: a second call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    this.stopping.abort();
    const steps: (() => Promise<void>)[] = [
      async () => this.consumer?.disconnect(),
      () => this.partitionWork.drain(),
      () => this.producers.disconnectAll(),
      async () => this.admin?.disconnect(),
    ];
    for (const step of steps) {
      await step().catch((error: unknown) => {
        this.log.warn({ err: error }, 'close step failed');
      });
    }
    this.joinedGroup = false;
  }

  private watchGroup(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // A new generation may have moved partitions; every slot is re-initialised before reuse.
      this.generation += 1;
      this.joinedGroup = true;
      this.assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => partitionKey(topic, partition)),
        ),
      );
      this.log.info(
        { generation: this.generation, assignment: payload.memberAssignment },
        'partitions assigned',
      );
    });
    consumer.on(consumer.events.REBALANCING, () => {
      this.assigned = new Set();
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.onRecordlessBatch(payload);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joinedGroup = false;
      this.assigned = new Set();
      if (payload.restart) return;

      this.log.error({ err: payload.error }, 'consumer crashed and will not restart');
      this.emit('crash', payload.error);
    });
  }

  private processBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition } = payload.batch;
    return this.partitionWork.run(partitionKey(topic, partition), () =>
      this.processRecords(payload),
    );
  }

  private async processRecords(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const live = () => isRunning() && !isStale() && !this.stopping.signal.aborted;
    const max = this.settings.maxRecordsPerTransaction;
    const generation = this.generation;
    // The batch may end in markers or aborted records past its last delivered record; the
    // batch's final transaction commits past them too.
    const batchEnd = BigInt(batch.lastOffset()) + 1n;
    let index = 0;

    while (index < batch.messages.length && live()) {
      const slot = await this.slotFor(batch.topic, batch.partition);
      const done = batch.messages.slice(index).filter((m) => BigInt(m.offset) < slot.nextOffset);
      done.forEach((m) => resolveOffset(m.offset));
      index += done.length;

      const chunk = batch.messages.slice(index, index + max);
      if (chunk.length === 0) break;

      const final = index + chunk.length === batch.messages.length;
      const next = final ? batchEnd : BigInt(chunk[chunk.length - 1]!.offset) + 1n;
      const committed = await this.commitChunk(batch.topic, batch.partition, chunk, slot, next);
      if (committed) {
        resolveOffset(chunk[chunk.length - 1]!.offset);
        index += chunk.length;
      }
      await heartbeat();
    }

    // When a predecessor had committed every record of the batch, only its markers may be left.
    if (index < batch.messages.length || !live()) return;
    await this.advancePast({
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: BigInt(batch.firstOffset() ?? batch.lastOffset()),
      lastOffset: batchEnd - 1n,
      generation,
    });
  }

  /** Queues the commit past a fetched batch that held no record to process. */
  private onRecordlessBatch(payload: ConsumerEndBatchProcessEvent['payload']): void {
    const span = recordlessSpanOf(payload, this.generation);
    if (!span) return;

    const key = partitionKey(span.topic, span.partition);
    void this.partitionWork.run(key, () => this.advancePast(span));
  }

  /**
   * Commits the offset past a span of markers and aborted records in a transaction that carries
   * only that offset, from the partition's own producer, so a newer owner fences it as it fences
   * any other transaction. It commits only while this member owns the partition in the span's
   * generation, and only when the committed offset already reaches the span: the span must not
   * hide records nobody has processed. A failed commit rewinds the partition to the span, so the
   * consumer fetches it again and this runs again.
   */
  private async advancePast(span: RecordlessSpan): Promise<void> {
    const { topic, partition } = span;
    if (!this.owns(span)) return;

    try {
      const slot = await this.slotFor(topic, partition);
      if (!spanNeedsCommit(span, slot.nextOffset)) return;

      const next = span.lastOffset + 1n;
      await this.commitTransaction(slot, topic, partition, [], next);
      this.log.debug({ topic, partition, offset: next.toString() }, 'committed past markers');
    } catch (error) {
      await this.dropSlot(topic, partition);
      await this.afterFailure(error, topic, partition);
      this.rewind(span);
    }
  }

  private owns(span: RecordlessSpan): boolean {
    return (
      !this.stopping.signal.aborted &&
      span.generation === this.generation &&
      this.assigned.has(partitionKey(span.topic, span.partition))
    );
  }

  private rewind(span: RecordlessSpan): void {
    if (!this.owns(span)) return;

    const { topic, partition } = span;
    try {
      this.consumer?.seek({ topic, partition, offset: span.firstOffset.toString() });
    } catch (error) {
      this.log.warn({ err: error, topic, partition }, 'rewinding to uncommitted markers failed');
    }
  }

  /**
   * Runs the transform over a chunk and commits its output with the offset `next`. Returns false
   * when the transaction did not commit; the slot is then dropped, so the next try starts from a
   * freshly fenced producer and the partition's committed offset.
   */
  private async commitChunk(
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
    slot: PartitionSlot,
    next: bigint,
  ): Promise<boolean> {
    try {
      const produced = await this.transformAll(topic, partition, chunk);
      await this.commitTransaction(slot, topic, partition, produced, next);
      this.count(topic, chunk.length, produced);
      return true;
    } catch (error) {
      await this.dropSlot(topic, partition);
      await this.afterFailure(error, topic, partition);
      return false;
    }
  }

  /** Writes `produced` and commits the group's offset `next` in one transaction. */
  private async commitTransaction(
    slot: PartitionSlot,
    topic: string,
    partition: number,
    produced: ProducedRecord[],
    next: bigint,
  ): Promise<void> {
    const transaction = await slot.producer.transaction();
    try {
      if (produced.length > 0) await transaction.sendBatch({ topicMessages: byTopic(produced) });
      await transaction.sendOffsets({
        consumerGroupId: this.settings.groupId,
        topics: [{ topic, partitions: [{ partition, offset: next.toString() }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }

    slot.nextOffset = next;
    this.failures.delete(partitionKey(topic, partition));
  }

  private async transformAll(
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Promise<ProducedRecord[]> {
    const produced: ProducedRecord[] = [];
    for (const message of chunk) {
      const record = toConsumedRecord(topic, partition, message);
      produced.push(...(await this.settings.transform(record)));
    }
    return produced;
  }

  private async afterFailure(error: unknown, topic: string, partition: number): Promise<void> {
    const fields = { err: error, topic, partition };
    if (isDsrError(error) && !error.retriable) {
      // Stopping the consumer waits for this batch, so it is started here and not awaited.
      this.log.error(fields, 'transform failed with a non-retriable error; stopping');
      this.stopping.abort();
      void this.consumer?.stop().catch(() => undefined);
      this.emit('crash', error);
      return;
    }

    // A fenced producer means another member initialised this partition's transactional id. If
    // this member is the stale one, its next heartbeat fails and it rejoins; if the other one is
    // stale, the re-initialised slot fences it back. Either way the committed offset decides.
    const fenced = isFenced(error);
    const attempt = this.bumpFailures(topic, partition);
    const pauseMs = backoffMs(attempt, this.settings.retryInitialMs, this.settings.retryMaxMs);
    this.log.warn(
      { ...fields, attempt, pauseMs, fenced },
      fenced ? 'producer fenced by another owner of the partition' : 'transaction failed; retrying',
    );
    await delay(pauseMs, undefined, { signal: this.stopping.signal, ref: false }).catch(
      () => undefined,
    );
  }

  private bumpFailures(topic: string, partition: number): number {
    const key = partitionKey(topic, partition);
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    return attempt;
  }

  private slotFor(topic: string, partition: number): Promise<PartitionSlot> {
    return this.producers.slotFor(topic, partition, this.generation);
  }

  private async committedOffset(topic: string, partition: number): Promise<bigint> {
    const offsets = await this.admin!.fetchOffsets({
      groupId: this.settings.groupId,
      topics: [topic],
    });
    const entry = offsets[0]?.partitions.find((p) => p.partition === partition);
    const value = BigInt(entry?.offset ?? '-1');
    return value < 0n ? -1n : value;
  }

  private dropSlot(topic: string, partition: number): Promise<void> {
    return this.producers.drop(topic, partition);
  }

  private count(topic: string, consumed: number, produced: ProducedRecord[]): void {
    const metrics = this.settings.metrics;
    if (!metrics) return;

    metrics.recordsConsumed.inc({ topic }, consumed);
    for (const record of produced) metrics.recordsProduced.inc({ topic: record.topic });
  }
}
