import { runService } from '@dsr/shared';
import { DlqAuditor } from './auditor';
import { auditorConfigFromEnv } from './config';

// The process entry: node dist/main.js. Configuration comes from the environment (see README).
void runService({
  service: 'dlq-auditor',
  async start({ runtime, logger, fail }) {
    const auditor = new DlqAuditor({
      ...auditorConfigFromEnv(),
      logger,
      metricsRegistry: runtime.metrics.registry,
    });
    runtime.readiness.register('consumer', () => auditor.joined);
    runtime.onShutdown('close', 'dlq-auditor', () => auditor.close());
    await auditor.start();
    auditor.onCrash((error) => void fail(error, 'dead-letter consumer crashed'));
  },
});
