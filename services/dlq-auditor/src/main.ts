import { createKafka, runService } from '@dsr/shared';
import { DlqAuditor } from './auditor';
import { auditorConfigFromEnv } from './config';

// The process entry: node dist/main.js. Configuration comes from the environment (see README).
void runService({
  service: 'dlq-auditor',
  async start({ runtime, logger, fail }) {
    const config = auditorConfigFromEnv();
    const auditor = new DlqAuditor({
      ...config,
      logger,
      metricsRegistry: runtime.metrics.registry,
    });
    runtime.readiness.register('consumer', () => auditor.joined);
    runtime.onShutdown('close', 'dlq-auditor', () => auditor.close());
    await auditor.start();
    await runtime.watchConsumerLag({
      kafka: createKafka({
        clientId: 'dsr-dlq-auditor-lag',
        brokers: config.endpoints.kafkaBrokers,
        logger,
      }),
      groupId: config.groupId,
      topics: [config.layout.topics.dlq, config.layout.topics.quarantine],
    });
    auditor.onCrash((error) => void fail(error, 'dead-letter consumer crashed'));
  },
});
