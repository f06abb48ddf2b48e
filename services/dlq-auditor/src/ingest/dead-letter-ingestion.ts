import { EventEmitter } from 'node:events';
import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '@dsr/shared';
import type { Keyring } from '../crypto/keyring';
import type { IncomingRecord } from './incoming-record';
import { appendRecords } from './record-appender';
import type { RecordDecoder } from './record-decoder';

/** What ingestion consumes, where it stores and how it seals. */
export interface IngestionOptions {
  kafka: Kafka;
  pool: Pool;
  decoder: RecordDecoder;
  keyring: Keyring;
  logger: Logger;
  /** Consumer group id; default `dsr-dlq-auditor`. */
  groupId?: string;
  /** Topics consumed: the dead-letter and quarantine topics. */
  topics: readonly string[];
  /** Called after each stored batch with its topic and counts (for metrics). */
  onAppended?: (topic: string, appended: number, duplicates: number) => void;
}

/** Defaults of {@link IngestionOptions}. */
export const INGESTION_DEFAULTS = Object.freeze({ groupId: 'dsr-dlq-auditor' });

/**
 * Consumes dsr.dlq and dsr.quarantine into the record store. Each batch is appended in one
 * database transaction and only then are its offsets committed: a crash in between redelivers
 * the batch, and the store recognises the records by their coordinates and skips them. Emits
 * `crash` when the consumer stops for good.
 */
export class DeadLetterIngestion extends EventEmitter {
  private readonly settings: IngestionOptions & { groupId: string };
  private readonly log: Logger;
  private readonly consumer: Consumer;
  private closing: Promise<void> | undefined;
  /** Whether the consumer has joined its group and holds partitions (for readiness). */
  joined = false;

  constructor(options: IngestionOptions) {
    super();
    this.settings = { ...INGESTION_DEFAULTS, ...options };
    this.log = options.logger.child({ component: 'ingestion' });
    // read_committed (kafkajs's default): the poller and ingest write these topics transactionally.
    this.consumer = options.kafka.consumer({ groupId: this.settings.groupId });
  }

  /** Connects, subscribes from the earliest offset and starts consuming. */
  async start(): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.log.info({ group: this.settings.groupId }, 'consumer group joined');
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.joined = false;
      if (!event.payload.restart) this.emit('crash', event.payload.error);
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [...this.settings.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (p) => this.onBatch(p),
    });
  }

  /** Stops fetching and leaves the group; committed offsets cover stored records. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.consumer.disconnect().finally(() => {
      this.joined = false;
    });
    return this.closing;
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || batch.messages.length === 0) return;

    const records = await Promise.all(batch.messages.map((m) => this.decode(batch, m)));
    const { pool, keyring } = this.settings;
    const { appended, duplicates } = await appendRecords(pool, records, keyring);
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(lastOffset);
    // Committed only now, after the records are durable in the database.
    await this.consumer.commitOffsets([
      {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(lastOffset) + 1n).toString(),
      },
    ]);
    await heartbeat();

    this.settings.onAppended?.(batch.topic, appended, duplicates);
    this.log.debug(
      {
        topic: batch.topic,
        partition: batch.partition,
        last_offset: lastOffset,
        appended,
        duplicates,
      },
      'batch stored',
    );
  }

  private decode(batch: Batch, message: KafkaMessage): Promise<IncomingRecord> {
    return this.settings.decoder.decode({
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      timestampMs: Number(message.timestamp),
    });
  }
}
