import {
  ConfigError,
  createKafka,
  resolveEndpoints,
  runService,
  topicLayoutFromEnv,
} from '@dsr/shared';
import { loadPollerConfig } from './config/poller-config';
import { Poller } from './poller';

/**
 * The poller process. POLLER_CONFIG names its configuration file; the endpoints and the topic
 * layout come from the environment every service reads.
 */
void runService({
  service: 'poller',
  async start({ runtime, logger, fail }) {
    const path = process.env.POLLER_CONFIG;
    if (!path) {
      throw new ConfigError('POLLER_CONFIG must name the poller configuration file', {
        context: { option: 'POLLER_CONFIG' },
      });
    }

    const endpoints = resolveEndpoints();
    const config = loadPollerConfig(path);
    const layout = topicLayoutFromEnv();
    const poller = new Poller({
      config,
      layout,
      kafkaBrokers: endpoints.kafkaBrokers,
      schemaRegistryUrl: endpoints.schemaRegistryUrl,
      logger,
      metrics: runtime.metrics,
      onFatal: (error) => void fail(error, 'poller cannot continue'),
    });
    runtime.readiness.register('consumer', () => poller.joined);
    runtime.onShutdown('drain', 'poller', () => poller.close());
    await poller.start();

    const { topics, retryTiers } = layout;
    await runtime.watchConsumerLag({
      kafka: createKafka({ clientId: 'dsr-poller-lag', brokers: endpoints.kafkaBrokers, logger }),
      groupId: config.consumerGroup,
      topics: [topics.tasksHigh, topics.tasksStandard, ...retryTiers.map((tier) => tier.topic)],
    });
  },
});
