import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';
import { fetchConsumerLag, reportConsumerLag, type GroupLag } from './consumer-lag';
import type { PipelineMetrics } from './metrics';

export interface LagReporterOptions {
  kafka: Kafka;
  groupId: string;
  /** The topics the group reads. */
  topics: readonly string[];
  metrics: PipelineMetrics;
  logger: Logger;
  /** Time between two measurements, in ms; default 5000. */
  intervalMs?: number;
}

/** Keeps a service's `dsr_consumer_lag` gauge current. */
export interface LagReporter {
  /** The last measurement, or undefined before the first one succeeded. */
  readonly last: GroupLag | undefined;
  /** Measures once now and updates the gauge. */
  refresh(): Promise<GroupLag>;
  /** Stops measuring and disconnects its admin client; idempotent. */
  close(): Promise<void>;
}

const LAG_REPORTER_DEFAULTS = Object.freeze({ intervalMs: 5_000 });

/**
 * Measures the group's lag on a timer with its own admin client. A failed measurement is logged
 * and the gauge keeps its last values: lag is an observation, never a reason to stop the service.
 * The timer does not keep the process alive.
 */
export async function startLagReporter(options: LagReporterOptions): Promise<LagReporter> {
  const log = options.logger.child({ component: 'lag-reporter', group: options.groupId });
  const intervalMs = options.intervalMs ?? LAG_REPORTER_DEFAULTS.intervalMs;
  const admin: Admin = options.kafka.admin();
  await admin.connect();

  let last: GroupLag | undefined;
  const refresh = async () => {
    last = await fetchConsumerLag(admin, options.groupId, options.topics);
    reportConsumerLag(options.metrics, last);
    return last;
  };

  const timer = setInterval(() => {
    refresh().catch((error: unknown) => {
      log.warn({ err: error }, 'consumer lag measurement failed');
    });
  }, intervalMs);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    get last() {
      return last;
    },
    refresh,
    close: () => {
      clearInterval(timer);
      closing ??= admin.disconnect();
      return closing;
    },
  };
}
