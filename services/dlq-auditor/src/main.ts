import { createKafka, runService } from '@dsr/shared';
import { DlqAuditor } from './auditor';
import { auditorConfigFromEnv } from './config';

// The process entry: node dist/main.js. Configuration comes from the environment (see README).
void runService({
  service: 'dlq-auditor',
  async start({ runtime, logger, fail }) {
    const config = auditorConfigFromEnv();
    const brokers = config.endpoints.kafkaBrokers;
    const kafka = createKafka({ clientId: 'dsr-dlq-auditor', brokers, logger });
    const auditor = new DlqAuditor({
      ...config,
      kafka,
      logger,
      metricsRegistry: runtime.metrics.registry,
      pipelineMetrics: runtime.metrics,
    });

    runtime.readiness.register('consumer', () => auditor.joined);
    runtime.onShutdown('close', 'dlq-auditor', () => auditor.close());
    await auditor.start();
    auditor.onCrash((error) => void fail(error, 'dead-letter consumer crashed'));
    await runtime.watchConsumerLag({
      kafka,
      groupId: config.groupId,
      topics: [config.layout.topics.dlq, config.layout.topics.quarantine],
    });
  },
});
