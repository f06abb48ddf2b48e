import {
  createKafka,
  resolveEndpoints,
  runService,
  subjectKeySecretFromEnv,
  topicLayoutFromEnv,
} from '@dsr/shared';
import { routerConfigFromEnv } from './config/router-config';
import { RouterService } from './router-service';

void runService({
  service: 'router',
  async start({ runtime, logger, fail }) {
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

    runtime.readiness.register('consumer', () => router.joined);
    runtime.onShutdown('stop-fetching', 'consumer', () => router.stopFetching());
    runtime.onShutdown('close', 'router', () => router.close());
    router.on('crash', (error) => void fail(error, 'consumer crashed'));
    await router.start();
    await runtime.watchConsumerLag({
      kafka,
      groupId: config.consumerGroup,
      topics: [layout.topics.validated],
    });
  },
});
