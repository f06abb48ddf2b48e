import {
  createKafka,
  resolveEndpoints,
  runService,
  subjectKeySecretFromEnv,
  topicLayoutFromEnv,
} from '@dsr/shared';
import { ingestConfigFromEnv } from './config/ingest-config';
import { IngestService } from './ingest-service';

void runService({
  service: 'ingest',
  async start({ runtime, logger, fail }) {
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

    runtime.readiness.register('consumer', () => ingest.joined);
    runtime.onShutdown('stop-fetching', 'consumer', () => ingest.stopFetching());
    runtime.onShutdown('close', 'ingest', () => ingest.close());
    ingest.on('crash', (error) => void fail(error, 'consumer crashed'));
    await ingest.start();
    await runtime.watchConsumerLag({
      kafka,
      groupId: config.consumerGroup,
      topics: [layout.topics.intake],
    });
  },
});
