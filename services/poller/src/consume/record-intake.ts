import {
  isDsrError,
  type AvroSerde,
  type Lane,
  type Logger,
  type PipelineMetrics,
  type RetryTier,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { RecordPosition } from '../outcome/outbound-record';
import { originalPosition, type IncomingHeaders } from '../outcome/retry-headers';
import type { OffsetBook } from './offset-book';
import type { PartitionTracker } from './partition-tracker';

/** A consumed task handed to execution. */
export interface Delivery {
  /** `run`: execute now. `rehop`: due later than its tier may hold it; move it on. */
  kind: 'run' | 'rehop';
  task: RoutedTask;
  lane: Lane;
  position: RecordPosition;
  /** Where the task first entered the poller. */
  original: RecordPosition;
  tracker: PartitionTracker;
}

/** A consumed record that cannot be read as a task. */
export interface Undecodable {
  position: RecordPosition;
  tracker: PartitionTracker;
  message: KafkaMessage;
  error: unknown;
}

/** What the intake reads from and hands deliveries to. */
export interface RecordIntakeOptions {
  consumer: Consumer;
  offsets: OffsetBook;
  serde: AvroSerde;
  layout: TopicLayout;
  logger: Logger;
  /** Records of one partition held between delivery and outcome before it is paused. */
  highWaterMark: number;
  /** A paused partition resumes when its held records drop to this many. */
  lowWaterMark: number;
  onDelivery: (delivery: Delivery) => void;
  onUndecodable: (record: Undecodable) => void;
  metrics?: PipelineMetrics;
  now?: () => number;
}

type PauseReason = 'full' | 'holding' | 'registry';

/** How long a partition waits before decoding is tried again after the registry failed, ms. */
const REGISTRY_RETRY_MS = 2_000;

/**
 * Turns consumed batches into deliveries. It never waits inside the batch handler: a tier
 * record that is not due yet pauses its partition and is left unresolved, so it is fetched again
 * when a timer resumes the partition at its due time; a partition holding too many unfinished
 * records pauses until they drop below the low-water mark. Other partitions and tiers keep
 * flowing meanwhile.
 */
export class RecordIntake {
  readonly #options: RecordIntakeOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #tiers: ReadonlyMap<string, RetryTier>;
  readonly #pauses = new Map<
    string,
    { topic: string; partition: number; reasons: Set<PauseReason> }
  >();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #stopped = false;

  constructor(options: RecordIntakeOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'record-intake' });
    this.#now = options.now ?? Date.now;
    this.#tiers = new Map(options.layout.retryTiers.map((tier) => [tier.topic, tier]));
  }

  /** Every topic the poller reads: both lanes and every retry tier. */
  get topics(): string[] {
    const { topics, retryTiers } = this.#options.layout;
    return [topics.tasksHigh, topics.tasksStandard, ...retryTiers.map((tier) => tier.topic)];
  }

  /** The kafkajs batch handler. */
  readonly eachBatch = async ({
    batch,
    resolveOffset,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> => {
    const { topic, partition } = batch;
    this.#log.debug(
      {
        topic,
        partition,
        first: batch.firstOffset(),
        size: batch.messages.length,
        paused: this.#isPaused(topic, partition),
      },
      'batch received',
    );
    if (this.#stopped || this.#isPaused(topic, partition)) return;

    const tracker = await this.#options.offsets.tracker(topic, partition);
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.#stopped) return;

      const step = await this.#accept(batch, message, tracker);
      if (step === 'stop') return;
      resolveOffset(message.offset);
      if (this.#options.offsets.running(topic, partition) >= this.#options.highWaterMark) {
        this.#pause(topic, partition, 'full');
        return;
      }
    }
  };

  /** Called when a record of the partition reached its outcome; resumes below the low-water mark. */
  settled(topic: string, partition: number): void {
    if (this.#options.offsets.running(topic, partition) <= this.#options.lowWaterMark) {
      this.#resume(topic, partition, 'full');
    }
  }

  /** Forgets pauses and timers of partitions no longer assigned. */
  forget(keys: readonly string[]): void {
    for (const key of keys) {
      clearTimeout(this.#timers.get(key));
      this.#timers.delete(key);
      this.#pauses.delete(key);
    }
  }

  /** Stops delivering and pauses every partition; pending timers are cleared. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#options.consumer.pause(this.topics.map((topic) => ({ topic })));
  }

  async #accept(
    batch: Batch,
    message: KafkaMessage,
    tracker: PartitionTracker,
  ): Promise<'next' | 'stop'> {
    const { topic, partition } = batch;
    const position = { topic, partition, offset: Number(message.offset) };
    if (tracker.track(position.offset) === 'skip') return 'next';

    this.#options.metrics?.recordsConsumed.inc({ topic });
    let task: RoutedTask;
    try {
      task = (await this.#options.serde.decode<RoutedTask>(topic, message.value)).value;
    } catch (error) {
      if (isDsrError(error) && error.retriable) {
        this.#untrack(tracker, position.offset);
        this.#holdFor(topic, partition, REGISTRY_RETRY_MS, 'registry');
        this.#log.warn(
          { err: error, topic, partition },
          'task decoding deferred, registry unavailable',
        );
        return 'stop';
      }
      this.#options.onUndecodable({ position, tracker, message, error });
      return 'next';
    }

    const tier = this.#tiers.get(topic);
    const waitMs = tier ? this.#releaseAt(task, message, tier) - this.#now() : 0;
    if (waitMs > 0) {
      this.#untrack(tracker, position.offset);
      this.#holdFor(topic, partition, waitMs, 'holding');
      this.#log.debug(
        { topic, partition, offset: position.offset, wait_ms: waitMs },
        'tier partition held until due',
      );
      return 'stop';
    }

    const lane: Lane =
      task.lane ?? (topic === this.#options.layout.topics.tasksHigh ? 'high' : 'standard');
    const original = originalPosition(message.headers as IncomingHeaders, position);
    const kind = (task.not_before ?? 0) > this.#now() ? 'rehop' : 'run';
    this.#options.onDelivery({ kind, task, lane, position, original, tracker });
    return 'next';
  }

  /** A tier holds a record until it is due, but never longer than the tier's own delay. */
  #releaseAt(task: RoutedTask, message: KafkaMessage, tier: RetryTier): number {
    const appendedAt = Number(message.timestamp);
    return Math.min(task.not_before ?? 0, appendedAt + tier.delayMs);
  }

  /** A record that will be fetched again is not this member's to track yet. */
  #untrack(tracker: PartitionTracker, offset: number): void {
    tracker.forget(offset);
  }

  #holdFor(topic: string, partition: number, waitMs: number, reason: PauseReason): void {
    const key = `${topic}\u0000${partition}`;
    this.#pause(topic, partition, reason);
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.#resume(topic, partition, reason);
    }, waitMs);
    timer.unref();
    this.#timers.set(key, timer);
  }

  #isPaused(topic: string, partition: number): boolean {
    return (this.#pauses.get(`${topic}\u0000${partition}`)?.reasons.size ?? 0) > 0;
  }

  #pause(topic: string, partition: number, reason: PauseReason): void {
    const key = `${topic}\u0000${partition}`;
    const entry = this.#pauses.get(key) ?? { topic, partition, reasons: new Set<PauseReason>() };
    entry.reasons.add(reason);
    this.#pauses.set(key, entry);
    this.#options.consumer.pause([{ topic, partitions: [partition] }]);
  }

  #resume(topic: string, partition: number, reason: PauseReason): void {
    const key = `${topic}\u0000${partition}`;
    const entry = this.#pauses.get(key);
    if (!entry?.reasons.delete(reason) || entry.reasons.size > 0 || this.#stopped) return;

    this.#pauses.delete(key);
    this.#options.consumer.resume([{ topic, partitions: [partition] }]);
    this.#log.debug({ topic, partition, reason }, 'partition resumed');
  }
}
