import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Kafka, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { Registry } from 'prom-client';
import { AvroSerde, createKafka, type Logger, type PipelineMetrics } from '@dsr/shared';
import { createTriageApi } from './api/triage-api';
import { createAuditorMetrics, type AuditorMetrics } from './auditor-metrics';
import { HeadPublisher } from './chain/head-publisher';
import type { AuditorConfig } from './config';
import { prepareDatabase } from './database/prepare-database';
import { DeadLetterIngestion } from './ingest/dead-letter-ingestion';
import { RecordDecoder } from './ingest/record-decoder';
import { PeriodicTask } from './periodic-task';
import type { RandomSource } from './privacy/random-source';
import { shredExpired, type RetentionOutcome } from './retention/shred-expired';

/** The validated configuration plus what the process shares with the auditor. */
export interface AuditorOptions extends AuditorConfig {
  logger: Logger;
  /** Where the auditor's metrics go; default a registry of its own. */
  metricsRegistry?: Registry;
  /** The shared pipeline metrics (records consumed by topic), when run under the runtime. */
  pipelineMetrics?: PipelineMetrics;
  /** A Kafka client to share; default one of its own. */
  kafka?: Kafka;
  /** Randomness for report noise; default the operating system's CSPRNG. */
  random?: RandomSource;
}

/**
 * The dlq-auditor: prepares its database as the owner, then, as the service role, stores every
 * dead letter and quarantine record, publishes the chain head, runs retention and serves the
 * triage API. `close()` stops in the written order: API, consumer, periodic jobs, producer, pool.
 */
export class DlqAuditor {
  readonly metrics: AuditorMetrics;
  private readonly log: Logger;
  private pool: Pool | undefined;
  private producer: Producer | undefined;
  private ingestion: DeadLetterIngestion | undefined;
  private api: FastifyInstance | undefined;
  private headTask: PeriodicTask | undefined;
  private retentionTask: PeriodicTask | undefined;
  private headPublisher: HeadPublisher | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: AuditorOptions) {
    this.log = options.logger.child({ component: 'dlq-auditor' });
    this.metrics = createAuditorMetrics(options.metricsRegistry ?? new Registry());
  }

  /** Whether the consumer holds its partitions (for readiness). */
  get joined(): boolean {
    return this.ingestion?.joined ?? false;
  }

  /** The API's port once listening. */
  get port(): number {
    return (this.api?.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Starts everything; throws if any part cannot start (the caller then closes). */
  async start(): Promise<void> {
    const { options } = this;
    const applied = await prepareDatabase({
      ownerUrl: options.endpoints.databaseUrl,
      serviceRole: options.serviceRole,
      retentionMs: options.retentionMs,
    });
    this.log.info(
      { migrations: applied.length, role: options.serviceRole.role },
      'database prepared',
    );

    const pool = new Pool({ connectionString: options.serviceDatabaseUrl, max: 8 });
    pool.on('error', (err) => this.log.warn({ err }, 'idle database connection failed'));
    this.pool = pool;

    const kafka =
      options.kafka ??
      createKafka({
        clientId: 'dsr-dlq-auditor',
        brokers: options.endpoints.kafkaBrokers,
        logger: options.logger,
      });
    const serde = new AvroSerde({
      registryUrl: options.endpoints.schemaRegistryUrl,
      layout: options.layout,
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();

    await this.startIngestion(kafka, serde, pool);
    this.startPeriodicJobs(serde, pool, this.producer);
    await this.startApi(serde, pool, this.producer);
  }

  /** Publishes the chain head now if it moved (also done every chainHeadIntervalMs). */
  async publishChainHead(): Promise<{ position: string; hash: string } | null> {
    const head = await this.headPublisher!.publishIfMoved();
    if (head) this.metrics.chainHeadPosition.set(Number(head.position));
    return head;
  }

  /** Runs retention now (also done every retentionIntervalMs). */
  async runRetention(): Promise<RetentionOutcome> {
    const outcome = await shredExpired(this.pool!);
    this.metrics.keysShredded.inc(outcome.shreddedPositions.length);
    if (outcome.shreddedPositions.length > 0) {
      this.log.info(
        { shredded: outcome.shreddedPositions.length },
        'retention destroyed data keys',
      );
    }
    return outcome;
  }

  /** Closes every part that started, in order, each even if an earlier one failed. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async startIngestion(kafka: Kafka, serde: AvroSerde, pool: Pool): Promise<void> {
    const { layout } = this.options;
    const decoder = new RecordDecoder({
      serde,
      dlqTopic: layout.topics.dlq,
      quarantineTopic: layout.topics.quarantine,
      intakeTopic: layout.topics.intake,
      subjectKeySecret: this.options.subjectKeySecret,
    });
    this.ingestion = new DeadLetterIngestion({
      kafka,
      pool,
      decoder,
      keyring: this.options.keyring,
      logger: this.options.logger,
      groupId: this.options.groupId,
      topics: [layout.topics.dlq, layout.topics.quarantine],
      onAppended: (topic, appended, duplicates) => {
        this.options.pipelineMetrics?.recordsConsumed.inc({ topic }, appended + duplicates);
        this.metrics.recordsStored.inc(appended);
        this.metrics.duplicatesSkipped.inc(duplicates);
      },
    });
    this.ingestion.on('crash', (err: unknown) =>
      this.log.error({ err }, 'consumer stopped for good'),
    );
    await this.ingestion.start();
  }

  /** The consumer's `crash` events, for the process entry to end the process on. */
  onCrash(listener: (error: unknown) => void): void {
    this.ingestion?.on('crash', listener);
  }

  private startPeriodicJobs(serde: AvroSerde, pool: Pool, producer: Producer): void {
    const { options } = this;
    this.headPublisher = new HeadPublisher({
      pool,
      producer,
      serde,
      auditTopic: options.layout.topics.audit,
      logger: options.logger,
    });
    this.headTask = new PeriodicTask(
      'chain-head',
      options.chainHeadIntervalMs,
      () => this.publishChainHead(),
      this.log,
    );
    this.retentionTask = new PeriodicTask(
      'retention',
      options.retentionIntervalMs,
      () => this.runRetention(),
      this.log,
    );
    this.headTask.start();
    this.retentionTask.start();
    // Announce the head found at start, so a rewrite while the service was down shows at once.
    void this.headTask.runOnce();
  }

  private async startApi(serde: AvroSerde, pool: Pool, producer: Producer): Promise<void> {
    const { options } = this;
    this.api = createTriageApi({
      pool,
      keyring: options.keyring,
      producer,
      serde,
      layout: options.layout,
      subjectKeySecret: options.subjectKeySecret,
      privacy: options.privacy,
      random: options.random,
      credentials: options.credentials,
      logger: options.logger,
    });
    await this.api.listen({ host: options.api.host, port: options.api.port });
    this.log.info({ port: this.port }, 'triage API listening');
  }

  private async closeAll(): Promise<void> {
    const steps: [string, (() => Promise<unknown>) | undefined][] = [
      ['api', this.api && (() => this.api!.close())],
      ['consumer', this.ingestion && (() => this.ingestion!.close())],
      ['chain-head', this.headTask && (() => this.headTask!.close())],
      ['retention', this.retentionTask && (() => this.retentionTask!.close())],
      ['producer', this.producer && (() => this.producer!.disconnect())],
      ['database', this.pool && (() => this.pool!.end())],
    ];
    for (const [step, run] of steps) {
      if (!run) continue;
      await run().catch((err: unknown) => this.log.warn({ err, step }, 'close step failed'));
    }
  }
}
