import {
  createKafka,
  hostTransactionalService,
  resolveEndpoints,
  runService,
  subjectKeySecretFromEnv,
  topicLayoutFromEnv,
} from '@dsr/shared';
import { ingestConfigFromEnv } from './config/ingest-config';
import { IngestService } from './ingest-service';

void runService({
  service: 'ingest',
  async start(context) {
    const { runtime, logger } = context;
    const endpoints = resolveEndpoints();
    const config = ingestConfigFromEnv();
    const kafka = createKafka({ clientId: 'dsr-ingest', brokers: endpoints.kafkaBrokers, logger });
    const layout = topicLayoutFromEnv();
    const ingest = new IngestService({
      kafka,
      layout,
      registryUrl: endpoints.schemaRegistryUrl,
      databaseUrl: endpoints.databaseUrl,
      config,
      subjectKeySecret: subjectKeySecretFromEnv(),
      logger,
      metrics: runtime.metrics,
      transactionalIdPrefix: process.env.DSR_TRANSACTIONAL_ID_PREFIX || undefined,
    });

    await hostTransactionalService(context, {
      name: 'ingest',
      service: ingest,
      kafka,
      groupId: config.consumerGroup,
      topics: [layout.topics.intake],
    });
  },
});
