import { createHash } from 'node:crypto';
import {
  AvroSerde,
  DeadlineWatch,
  reportBreakerState,
  type Logger,
  type PipelineMetrics,
  type QuarantineRecord,
  type TopicLayout,
} from '@dsr/shared';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { PollerConfig } from './config/poller-config';
import { createConnector } from './connectors/create-connector';
import { OffsetBook, type Assignment } from './consume/offset-book';
import { RecordIntake, type Delivery, type Undecodable } from './consume/record-intake';
import { SourceGuard } from './execute/source-guard';
import { TaskRunner } from './execute/task-runner';
import { createPollerClients } from './kafka-clients';
import { OutcomeCommitter } from './outcome/outcome-committer';
import { OutcomeRecords } from './outcome/outcome-records';
import { createResultsDestination } from './results/create-results-destination';
import type { ResultsDestination } from './results/results-destination';
import { ConcurrencyLimits } from './schedule/concurrency-limits';

/** What a poller is built from; `config` is already validated. */
export interface PollerOptions {
  config: PollerConfig;
  layout: TopicLayout;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** Called when the poller cannot go on (its consumer crashed, outcomes cannot be written). */
  onFatal?: (error: unknown) => void;
  /** How long close() waits for running tasks before abandoning them, ms; default 10 s. */
  drainTimeoutMs?: number;
}

/**
 * The poller: consumes both lanes and every retry tier in one consumer group, runs each task
 * against its source system, and commits each outcome together with the offsets it settles.
 */
export class Poller {
  readonly #options: PollerOptions;
  readonly #log: Logger;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #guards: Map<string, SourceGuard>;
  readonly #results: ResultsDestination;
  readonly #offsets: OffsetBook;
  readonly #committer: OutcomeCommitter;
  readonly #intake: RecordIntake;
  readonly #runner: TaskRunner;
  readonly #records: OutcomeRecords;
  readonly #deadlines: DeadlineWatch | undefined;
  #memberId: string | undefined;
  #joined = false;
  #closing: Promise<void> | undefined;

  constructor(options: PollerOptions) {
    const { config, layout, logger } = options;
    this.#options = options;
    this.#log = logger.child({ component: 'poller' });
    const clients = createPollerClients(config, options.kafkaBrokers, logger);
    this.#consumer = clients.consumer;
    this.#producer = clients.producer;
    this.#admin = clients.admin;

    const serde = new AvroSerde({ registryUrl: options.schemaRegistryUrl, layout });
    this.#guards = this.#createGuards(config);
    this.#results = createResultsDestination(config.results);
    this.#records = new OutcomeRecords(layout);
    this.#offsets = new OffsetBook(this.#admin, config.consumerGroup);
    this.#committer = new OutcomeCommitter({
      producer: this.#producer,
      serde,
      offsets: this.#offsets,
      groupId: config.consumerGroup,
      logger,
      metrics: options.metrics,
      lingerMs: config.outcomes.lingerMs,
      maxBatch: config.outcomes.maxBatch,
      onFatal: (error) => this.#fail(error),
    });
    this.#deadlines = options.metrics && new DeadlineWatch({ metrics: options.metrics });
    this.#runner = new TaskRunner({
      guards: this.#guards,
      limits: new ConcurrencyLimits({
        global: config.concurrency.global,
        perSource: perSourceCaps(config),
      }),
      committer: this.#committer,
      records: this.#records,
      results: this.#results,
      policy: { tiers: layout.retryTiers, deadlineMarginMs: config.retry.deadlineMarginMs },
      layout,
      logger,
      metrics: options.metrics,
      onSettled: (delivery) => {
        this.#deadlines?.release(positionKey(delivery));
        this.#intake.settled(delivery.position.topic, delivery.position.partition);
      },
    });
    this.#intake = new RecordIntake({
      consumer: this.#consumer,
      offsets: this.#offsets,
      serde,
      layout,
      logger,
      highWaterMark: config.buffer.highWaterMark,
      lowWaterMark: config.buffer.lowWaterMark,
      onDelivery: (delivery) => {
        this.#deadlines?.track(positionKey(delivery), delivery.task.deadline, delivery.lane);
        this.#runner.accept(delivery);
      },
      onUndecodable: (record) => this.#quarantine(record),
      metrics: options.metrics,
    });
  }

  /** Whether the consumer has joined its group and holds an assignment. */
  get joined(): boolean {
    return this.#joined;
  }

  async start(): Promise<void> {
    await this.#results.open();
    await Promise.all([this.#admin.connect(), this.#producer.connect(), this.#consumer.connect()]);
    this.#watchGroup();
    this.#deadlines?.start();

    await this.#consumer.subscribe({ topics: this.#intake.topics, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: this.#intake.eachBatch,
    });
    this.#log.info(
      { group: this.#options.config.consumerGroup, topics: this.#intake.topics.length },
      'poller started',
    );
  }

  /**
   * Stops fetching, hands back waiting tasks, lets running ones finish (within the drain bound),
   * commits their outcomes while still a group member, then leaves the group and closes
   * producers, breakers, connectors and the results destination. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const steps: [string, () => Promise<void> | void][] = [
      ['stop fetching', () => this.#intake.stop()],
      ['drain', () => this.#runner.stop(this.#options.drainTimeoutMs ?? 10_000)],
      ['commit', () => this.#committer.flush()],
      ['consumer', () => this.#consumer.disconnect()],
      ['producer', () => this.#producer.disconnect()],
      ['admin', () => this.#admin.disconnect()],
      [
        'sources',
        async () => void (await Promise.all([...this.#guards.values()].map((g) => g.close()))),
      ],
      ['results', () => this.#results.close()],
      ['deadline watch', () => this.#deadlines?.close()],
    ];
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (error) {
        this.#log.warn({ err: error, step }, 'close step failed');
      }
    }
    this.#log.info('poller stopped');
  }

  #watchGroup(): void {
    const { events } = this.#consumer;
    this.#consumer.on(events.REBALANCING, () => {
      this.#committer.hold();
      this.#log.warn('consumer group rebalancing, outcome commits held');
    });
    this.#consumer.on(events.GROUP_JOIN, ({ payload }) =>
      this.#onJoin(payload.memberId, payload.memberAssignment),
    );
    this.#consumer.on(events.CRASH, ({ payload }) => {
      if (!payload.restart) this.#fail(payload.error);
    });
  }

  #onJoin(memberId: string, assignment: Assignment): void {
    const fresh = this.#memberId !== undefined && this.#memberId !== memberId;
    this.#memberId = memberId;
    const dropped = this.#offsets.assign(assignment, fresh);
    this.#intake.forget(dropped);
    const waiting = this.#runner.dropWhere((d) => !this.#offsets.owns(d.position, d.tracker));
    this.#committer.release();
    this.#joined = true;

    const partitions = Object.values(assignment).reduce((sum, ps) => sum + ps.length, 0);
    this.#log.info(
      { member_id: memberId, partitions, revoked: dropped.length, waiting_dropped: waiting },
      'partitions assigned',
    );
  }

  #quarantine(record: Undecodable): void {
    const { position, message, error } = record;
    const code = (error as { code?: string }).code ?? 'DECODE_MALFORMED_AVRO';
    const value: QuarantineRecord = {
      // Derived from the record's position, so quarantining the same record again repeats the id.
      quarantine_id: createHash('sha256')
        .update(`${position.topic}\u0000${position.partition}\u0000${position.offset}`)
        .digest('hex')
        .slice(0, 32),
      quarantined_at: Date.now(),
      topic: position.topic,
      partition: position.partition,
      offset: String(position.offset),
      key: message.key ?? null,
      original: message.value ?? Buffer.alloc(0),
      reason_codes: [code],
      detail: 'a task record on a poller topic could not be decoded',
      request_id: null,
      schema_id: null,
    };
    this.#log.error(
      {
        err: error,
        topic: position.topic,
        partition: position.partition,
        offset: position.offset,
        reason_codes: [code],
      },
      'record quarantined',
    );
    void this.#committer
      .submit({
        position,
        tracker: record.tracker,
        records: [
          { topic: this.#options.layout.topics.quarantine, key: String(position.offset), value },
        ],
      })
      .catch(() => undefined)
      .finally(() => this.#intake.settled(position.topic, position.partition));
  }

  #createGuards(config: PollerConfig): Map<string, SourceGuard> {
    const guards = new Map<string, SourceGuard>();
    for (const [name, source] of Object.entries(config.sources)) {
      const connector = createConnector(name, source, config.concurrency.global);
      const guard = new SourceGuard(name, connector, source.breaker, source.rateLimit, Date.now());
      guards.set(name, guard);
      this.#reportBreaker(guard);
    }
    return guards;
  }

  #reportBreaker(guard: SourceGuard): void {
    const report = () => {
      if (this.#options.metrics)
        reportBreakerState(this.#options.metrics, guard.sourceSystem, guard.state);
    };
    guard.breaker.on('open', () => {
      report();
      this.#log.warn({ source_system: guard.sourceSystem }, 'circuit breaker opened');
    });
    guard.breaker.on('halfOpen', report);
    guard.breaker.on('close', () => {
      report();
      this.#log.info({ source_system: guard.sourceSystem }, 'circuit breaker closed');
    });
    report();
  }

  #fail(error: unknown): void {
    this.#log.fatal({ err: error }, 'poller cannot continue');
    this.#options.onFatal?.(error);
  }
}

function perSourceCaps(config: PollerConfig): Map<string, number> {
  const caps = new Map<string, number>();
  for (const [name, source] of Object.entries(config.sources)) {
    if (source.maxConcurrency !== undefined) caps.set(name, source.maxConcurrency);
  }
  return caps;
}

/** A delivery's identity across the copies the runner makes of it: its record's coordinates. */
function positionKey({ position }: Delivery): string {
  return `${position.topic}/${position.partition}/${position.offset}`;
}
