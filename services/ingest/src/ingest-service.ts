import { EventEmitter } from 'node:events';
import {
  AvroSerde,
  TransactionalProcessor,
  type Logger,
  type PipelineMetrics,
  type TopicLayout,
} from '@dsr/shared';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import type { IngestConfig } from './config/ingest-config';
import { IngestTransform } from './consume/ingest-transform';
import { AcceptedRequests } from './dedup/accepted-requests';
import { IngestOutputs } from './records/ingest-outputs';

/** What an ingest instance connects to and how it is configured. */
export interface IngestServiceOptions {
  kafka: Kafka;
  layout: TopicLayout;
  registryUrl: string;
  databaseUrl: string;
  config: IngestConfig;
  /** DSR_SUBJECT_KEY_SECRET: the HMAC key of subject keys and content digests. */
  subjectKeySecret: string;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** Prefix of the per-partition transactional ids; default the consumer group. */
  transactionalIdPrefix?: string;
}

/**
 * The ingest service: reads the intake topic in a consumer group and, per record, commits the
 * validated task or the quarantine record, the alerts and the audit events together with the
 * consumed offset in one Kafka transaction.
 */
export class IngestService extends EventEmitter<{ crash: [error: unknown] }> {
  private readonly pool: Pool;
  private readonly accepted: AcceptedRequests;
  private readonly processor: TransactionalProcessor;
  private readonly log: Logger;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: IngestServiceOptions) {
    super();
    const { config, layout } = options;
    this.log = options.logger.child({ component: 'ingest-service' });
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
    this.pool.on('error', (error) =>
      this.log.warn({ err: error }, 'idle database connection failed'),
    );
    this.accepted = new AcceptedRequests(this.pool);
    const transform = createTransform(options, this.accepted);

    this.processor = new TransactionalProcessor({
      kafka: options.kafka,
      groupId: config.consumerGroup,
      topics: [layout.topics.intake],
      transform: transform.transform,
      logger: options.logger,
      metrics: options.metrics,
      transactionalIdPrefix: options.transactionalIdPrefix,
      maxRecordsPerTransaction: config.maxRecordsPerTransaction,
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
    });
    this.processor.on('crash', (error) => this.emit('crash', error));
  }

  /** Whether the consumer has joined its group. */
  get joined(): boolean {
    return this.processor.joined;
  }

  /** Prepares the database table, forgets expired request ids, and starts consuming. */
  async start(): Promise<void> {
    await this.accepted.migrate();
    const purged = await this.accepted.purge(this.options.config.dedupRetentionDays);
    this.log.info({ purged, topic: this.options.layout.topics.intake }, 'ingest starting');
    await this.processor.start();
  }

  /** Stops fetching; the transaction in progress completes or aborts. */
  stopFetching(): Promise<void> {
    return this.processor.stopFetching();
  }

  /** Closes the consumer, producers and database pool; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.processor.close();
      await this.pool.end().catch((error: unknown) => {
        this.log.warn({ err: error }, 'database pool did not close cleanly');
      });
    })();
    return this.closing;
  }
}

function createTransform(
  options: IngestServiceOptions,
  accepted: AcceptedRequests,
): IngestTransform {
  const { config, layout } = options;
  const serde = new AvroSerde({
    registryUrl: options.registryUrl,
    layout,
    maxValueBytes: config.maxValueBytes,
  });

  return new IngestTransform({
    serde,
    outputs: new IngestOutputs(serde, layout),
    accepted,
    rules: {
      sourceSystems: new Set(config.sourceSystems),
      jurisdictions: config.jurisdictions,
      defaultJurisdiction: config.defaultJurisdiction,
      clockSkewMs: config.clockSkewMs,
    },
    subjectKeySecret: options.subjectKeySecret,
    logger: options.logger,
    metrics: options.metrics,
  });
}
