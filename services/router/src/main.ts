import {
  createKafka,
  hostTransactionalService,
  resolveEndpoints,
  runService,
  subjectKeySecretFromEnv,
  topicLayoutFromEnv,
} from '@dsr/shared';
import { routerConfigFromEnv } from './config/router-config';
import { RouterService } from './router-service';

void runService({
  service: 'router',
  async start(context) {
    const { runtime, logger } = context;
    const endpoints = resolveEndpoints();
    const config = routerConfigFromEnv();
    const kafka = createKafka({ clientId: 'dsr-router', brokers: endpoints.kafkaBrokers, logger });
    const layout = topicLayoutFromEnv();
    const router = new RouterService({
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
      name: 'router',
      service: router,
      kafka,
      groupId: config.consumerGroup,
      topics: [layout.topics.validated],
    });
  },
});
