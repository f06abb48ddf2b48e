import { AvroSerde, type AuditEvent, type RoutedTask } from '@dsr/shared';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import type { BenchContext } from '../bench-context';
import type { BenchLayout } from '../kafka/bench-layout';

/** The final outcome of one task, as the audit trail records it. */
export interface TaskOutcome {
  requestId: string;
  stage: 'succeeded' | 'dead_lettered';
  /** When the outcome happened, by the clock of the service that recorded it (epoch ms). */
  occurredAt: number;
  /**
   * When this reader saw the outcome on the audit topic (read_committed, so after the service's
   * transaction committed): the moment an auditor could know it (epoch ms).
   */
  observedAt: number;
  lane: string | null;
  attempt: number;
}

/** A retry waiting on a tier: when it was due. */
export interface ScheduledRetry {
  tier: string;
  /** The task's due time on the tier (epoch ms). */
  notBefore: number;
}

/** What an {@link AuditWatch} keeps besides outcomes. */
export interface AuditWatchOptions {
  /** Also read the retry tiers, keeping when each retry was due; default false. */
  retries?: boolean;
  /** Keep when each attempt started (audit `attempt_started`); default false. */
  attempts?: boolean;
  /** Tasks whose every stage time is kept, e.g. probes; default none. */
  traced?: (requestId: string) => boolean;
}

const OUTCOME_STAGES: ReadonlySet<string> = new Set(['succeeded', 'dead_lettered']);

/**
 * Reads a measurement's audit topic from its start and keeps what the bench measures: each
 * task's final outcome and, when asked, when each attempt started and when each retry was due
 * (the latter read from the retry tier topics, whose records carry `not_before`).
 */
export class AuditWatch {
  readonly outcomes = new Map<string, TaskOutcome>();
  /** Start time of attempt n of a task, keyed `requestId#n`. */
  readonly attemptStarts = new Map<string, number>();
  /** Retries by the attempt they follow, keyed `requestId#n` (n = attempts spent so far). */
  readonly retries = new Map<string, ScheduledRetry>();
  /** For traced tasks: when each stage happened (first occurrence), by request id. */
  readonly stages = new Map<string, Map<string, number>>();
  readonly #layout: BenchLayout;
  readonly #serde: AvroSerde;
  readonly #consumer: Consumer;
  readonly #watchRetries: boolean;
  readonly #watchAttempts: boolean;
  readonly #tierByTopic: Map<string, string>;
  readonly #traced: (requestId: string) => boolean;
  #onOutcome: ((outcome: TaskOutcome) => void) | undefined;

  constructor(context: BenchContext, layout: BenchLayout, options: AuditWatchOptions = {}) {
    this.#layout = layout;
    this.#watchRetries = options.retries ?? false;
    this.#watchAttempts = options.attempts ?? false;
    this.#traced = options.traced ?? (() => false);
    this.#serde = new AvroSerde({
      registryUrl: context.stack.endpoints.schemaRegistryUrl,
      layout: layout.layout,
    });
    this.#consumer = context.kafka.consumer({
      groupId: `${layout.prefix}audit-watch`,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 100,
    });
    this.#tierByTopic = new Map(layout.layout.retryTiers.map((tier) => [tier.topic, tier.name]));
  }

  /** Calls `listener` for every outcome, as it is read. */
  onOutcome(listener: (outcome: TaskOutcome) => void): void {
    this.#onOutcome = listener;
  }

  async start(): Promise<void> {
    const topics = [this.#layout.layout.topics.audit];
    if (this.#watchRetries) topics.push(...this.#tierByTopic.keys());

    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics, fromBeginning: true });
    await this.#consumer.run({ eachBatch: (payload) => this.#read(payload) });
  }

  /**
   * Waits until `progress()` reaches `target`, checking every 200 ms. Fails when it has not
   * moved for `stallMs`: a stuck pipeline ends the measurement instead of hanging the run.
   */
  async waitForProgress(
    progress: () => number,
    target: number,
    stallMs: number,
    what: string,
  ): Promise<void> {
    let last = progress();
    let movedAt = Date.now();
    while (last < target) {
      await delay(200);
      const now = progress();
      if (now !== last) {
        last = now;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > stallMs) {
        throw new Error(`${what}: stuck at ${last} of ${target} for ${stallMs / 1000} s`);
      }
    }
  }

  close(): Promise<void> {
    return this.#consumer.disconnect();
  }

  async #read({ batch }: EachBatchPayload): Promise<void> {
    const tier = this.#tierByTopic.get(batch.topic);
    for (const message of batch.messages) {
      if (tier !== undefined) {
        const { value } = await this.#serde.decode<RoutedTask>(batch.topic, message.value);
        this.#noteRetry(tier, value);
      } else {
        const { value } = await this.#serde.decode<AuditEvent>(batch.topic, message.value);
        this.#noteEvent(value);
      }
    }
  }

  #noteRetry(tier: string, task: RoutedTask): void {
    // Polls of async jobs also hop through the tiers; only failed attempts are retries.
    if (task.not_before === null || task.poll !== null || task.last_error_code === null) return;
    this.retries.set(`${task.request_id}#${task.attempt}`, { tier, notBefore: task.not_before });
  }

  #noteEvent(event: AuditEvent): void {
    if (event.request_id === null) return;

    if (this.#traced(event.request_id)) {
      const stages = this.stages.get(event.request_id) ?? new Map<string, number>();
      if (!stages.has(event.stage)) stages.set(event.stage, event.occurred_at);
      this.stages.set(event.request_id, stages);
    }
    if (event.stage === 'attempt_started' && this.#watchAttempts && event.attempt !== null) {
      this.attemptStarts.set(`${event.request_id}#${event.attempt}`, event.occurred_at);
      return;
    }
    if (!OUTCOME_STAGES.has(event.stage) || this.outcomes.has(event.request_id)) return;

    const outcome: TaskOutcome = {
      requestId: event.request_id,
      stage: event.stage as TaskOutcome['stage'],
      occurredAt: event.occurred_at,
      observedAt: Date.now(),
      lane: event.lane,
      attempt: event.attempt ?? 0,
    };
    this.outcomes.set(event.request_id, outcome);
    this.#onOutcome?.(outcome);
  }
}
