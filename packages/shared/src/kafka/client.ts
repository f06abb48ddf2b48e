import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger';

// kafkajs prints a notice about its partitioner change on every producer; the default murmur2
// partitioner is what this project wants, so the notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Overrides for kafkajs's own settings (retry, timeouts, ssl, sasl). */
  overrides?: Partial<KafkaConfig>;
}

const LEVELS: Readonly<Record<number, 'error' | 'warn' | 'info' | 'debug'>> = Object.freeze({
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
});

/**
 * A kafkajs client whose own logs go through the service's pino logger. kafkajs reports
 * recoverable protocol errors (a coordinator still loading, a rebalance in progress) at ERROR;
 * they are lowered to warn because kafkajs retries them itself and nobody needs to act.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });

  const logCreator = () => (entry: LogEntry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
    const level = LEVELS[entry.level] ?? 'info';
    const lowered = level === 'error' && typeof fields.error === 'string' ? 'warn' : level;
    log[lowered]({ namespace: entry.namespace, ...fields }, message);
  };

  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator,
    // Only the first wait is shortened; the retry count stays kafkajs's own, because an idempotent
    // producer given a finite count warns that exactly-once may be lost.
    retry: { initialRetryTime: 300 },
    ...options.overrides,
  });
}
