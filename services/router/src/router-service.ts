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
import type { RouterConfig } from './config/router-config';
import { RouterTransform } from './consume/router-transform';
import { HeldTaskCipher } from './ordering/held-task-cipher';
import { OrderingStore } from './ordering/ordering-store';
import { RouterOutputs } from './records/router-outputs';

/** What a router instance connects to and how it is configured. */
export interface RouterServiceOptions {
  kafka: Kafka;
  layout: TopicLayout;
  registryUrl: string;
  databaseUrl: string;
  config: RouterConfig;
  /** DSR_SUBJECT_KEY_SECRET: also the root of the key that seals held deletions. */
  subjectKeySecret: string;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** Prefix of the per-partition transactional ids; default the consumer group. */
  transactionalIdPrefix?: string;
}

/**
 * The router service: reads validated tasks and audit outcomes in one consumer group and commits
 * lane records and audit events with the consumed offsets in Kafka transactions.
 */
export class RouterService extends EventEmitter<{ crash: [error: unknown] }> {
  private readonly pool: Pool;
  private readonly store: OrderingStore;
  private readonly processor: TransactionalProcessor;
  private readonly log: Logger;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RouterServiceOptions) {
    super();
    const { config, layout } = options;
    this.log = options.logger.child({ component: 'router-service' });
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
    this.pool.on('error', (error) =>
      this.log.warn({ err: error }, 'idle database connection failed'),
    );
    this.store = new OrderingStore(this.pool);
    const transform = createTransform(options, this.store);

    // The audit topic is read only to see access outcomes; without holds it is not subscribed.
    const topics = config.holdDeletionsBehindAccess
      ? [layout.topics.validated, layout.topics.audit]
      : [layout.topics.validated];
    this.processor = new TransactionalProcessor({
      kafka: options.kafka,
      groupId: config.consumerGroup,
      topics,
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

  /** Prepares the ordering tables and starts consuming. */
  async start(): Promise<void> {
    await this.store.migrate();
    this.log.info({ topic: this.options.layout.topics.validated }, 'router starting');
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

function createTransform(options: RouterServiceOptions, store: OrderingStore): RouterTransform {
  const { config, layout } = options;
  const serde = new AvroSerde({ registryUrl: options.registryUrl, layout });

  return new RouterTransform({
    serde,
    layout,
    outputs: new RouterOutputs(serde, layout),
    store,
    cipher: new HeldTaskCipher(options.subjectKeySecret),
    rules: config,
    holdDeletionsBehindAccess: config.holdDeletionsBehindAccess,
    holdLimits: config,
    holdCheckIntervalMs: config.holdCheckIntervalMs,
    logger: options.logger,
    metrics: options.metrics,
  });
}
