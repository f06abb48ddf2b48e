import { setTimeout as sleep } from 'node:timers/promises';
import type { AvroSerde, Logger, PipelineMetrics } from '@dsr/shared';
import type { Message, Producer } from 'kafkajs';
import type { OffsetBook } from '../consume/offset-book';
import type { PartitionTracker } from '../consume/partition-tracker';
import type { OutboundRecord, RecordPosition } from './outbound-record';

/** A finished task: the records of its outcome and the consumed record they settle. */
export interface Completion {
  position: RecordPosition;
  tracker: PartitionTracker;
  records: OutboundRecord[];
}

/** Where outcomes are written and how they are batched. */
export interface OutcomeCommitterOptions {
  producer: Producer;
  serde: AvroSerde;
  offsets: OffsetBook;
  groupId: string;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** How long finished tasks wait to share a transaction, milliseconds. */
  lingerMs: number;
  /** Most completions one transaction carries. */
  maxBatch: number;
  /** Called when outcomes can no longer be recorded; the process must stop. */
  onFatal: (error: unknown) => void;
}

const TRANSACTION_RETRIES = 5;

/**
 * Records outcomes and moves committed offsets in the same Kafka transaction, so a task's
 * outcome and the offset past it become visible together or not at all. Completions are batched
 * into one transaction at a time. While a rebalance is in progress no transaction starts: a
 * partition may be about to change owner, and its new owner must see a settled offset.
 */
export class OutcomeCommitter {
  readonly #options: OutcomeCommitterOptions;
  readonly #log: Logger;
  #queue: { completion: Completion; settle: (error?: unknown) => void }[] = [];
  #gated = false;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failed: unknown;

  constructor(options: OutcomeCommitterOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'outcome-committer' });
  }

  /** Queues a completion; resolves once its outcome and offset are committed. */
  submit(completion: Completion): Promise<void> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);

    return new Promise((resolve, reject) => {
      this.#queue.push({
        completion,
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.#schedule();
    });
  }

  /** Stops starting transactions (a rebalance began). */
  hold(): void {
    this.#gated = true;
  }

  /** Starts transactions again, dropping completions of partitions this member lost. */
  release(): void {
    const kept = this.#queue.filter(({ completion }) =>
      this.#options.offsets.owns(completion.position, completion.tracker),
    );
    const dropped = this.#queue.length - kept.length;
    if (dropped > 0) this.#log.warn({ dropped }, 'outcomes of revoked partitions dropped');

    for (const entry of this.#queue)
      if (!kept.includes(entry)) entry.settle(new PartitionRevokedError());
    this.#queue = kept;
    this.#gated = false;
    this.#schedule();
  }

  /** Commits everything queued; resolves when the queue is empty. */
  async flush(): Promise<void> {
    this.#gated = false;
    while (this.#queue.length > 0 || this.#flushing) {
      if (this.#failed !== undefined) return;
      await (this.#flushing ?? this.#startFlush());
    }
  }

  #schedule(): void {
    if (this.#gated || this.#flushing || this.#timer || this.#queue.length === 0) return;

    const delayMs = this.#queue.length >= this.#options.maxBatch ? 0 : this.#options.lingerMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#startFlush();
    }, delayMs);
    this.#timer.unref();
  }

  #startFlush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    if (this.#gated || this.#queue.length === 0) return Promise.resolve();

    const batch = this.#queue.splice(0, this.#options.maxBatch);
    this.#flushing = this.#commitBatch(batch.map((entry) => entry.completion))
      .then(
        () => batch.forEach((entry) => entry.settle()),
        (error: unknown) => {
          this.#failed = error;
          for (const entry of [...batch, ...this.#queue.splice(0)]) entry.settle(error);
          this.#options.onFatal(error);
        },
      )
      .finally(() => {
        this.#flushing = undefined;
        this.#schedule();
      });
    return this.#flushing;
  }

  async #commitBatch(batch: Completion[]): Promise<void> {
    const owned = batch.filter((c) => this.#options.offsets.owns(c.position, c.tracker));
    if (owned.length === 0) return;

    const topicMessages = await this.#encode(owned);
    for (const completion of owned) completion.tracker.complete(completion.position.offset);
    const offsets = this.#options.offsets.commitOffsets(owned.map((c) => c.position));

    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#transact(topicMessages, offsets);
        for (const { topic, messages } of topicMessages) {
          this.#options.metrics?.recordsProduced.inc({ topic }, messages.length);
        }
        return;
      } catch (error) {
        if (attempt >= TRANSACTION_RETRIES) throw error;

        this.#log.warn(
          { err: error, attempt, completions: owned.length },
          'outcome transaction failed, retrying',
        );
        await sleep(200 * 2 ** attempt, undefined, { ref: false });
      }
    }
  }

  async #transact(
    topicMessages: { topic: string; messages: Message[] }[],
    offsets: ReturnType<OffsetBook['commitOffsets']>,
  ): Promise<void> {
    const transaction = await this.#options.producer.transaction();
    try {
      if (topicMessages.length > 0) await transaction.sendBatch({ topicMessages });
      await transaction.sendOffsets({ consumerGroupId: this.#options.groupId, topics: offsets });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch((abortError: unknown) => {
        this.#log.warn({ err: abortError }, 'outcome transaction abort failed');
      });
      throw error;
    }
  }

  async #encode(batch: Completion[]): Promise<{ topic: string; messages: Message[] }[]> {
    const byTopic = new Map<string, Message[]>();
    for (const { records } of batch) {
      for (const record of records) {
        const value = await this.#options.serde.encode(record.topic, record.value);
        const messages = byTopic.get(record.topic) ?? [];
        messages.push({ key: record.key, value, headers: record.headers });
        byTopic.set(record.topic, messages);
      }
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }
}

/** A completion's partition was revoked before its outcome was recorded; its new owner runs it. */
export class PartitionRevokedError extends Error {
  constructor() {
    super('the partition was revoked before the outcome was recorded');
    this.name = 'PartitionRevokedError';
  }
}
