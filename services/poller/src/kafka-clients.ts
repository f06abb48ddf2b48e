import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createKafka, type Logger } from '@dsr/shared';
import type { Admin, Consumer, Producer } from 'kafkajs';
import type { PollerConfig } from './config/poller-config';

/** The Kafka clients of one poller process. */
export interface PollerClients {
  consumer: Consumer;
  producer: Producer;
  admin: Admin;
}

/**
 * Creates the consumer, the transactional producer and the admin client of one poller process.
 * The transactional id is unique per process: a restarted process must not fence a live one,
 * and a dead one's open transaction is aborted by the coordinator after its timeout.
 */
export function createPollerClients(
  config: PollerConfig,
  kafkaBrokers: string[],
  logger: Logger,
): PollerClients {
  const instance = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const kafka = createKafka({ clientId: `dsr-poller-${instance}`, brokers: kafkaBrokers, logger });
  const consumer = kafka.consumer({
    groupId: config.consumerGroup,
    sessionTimeout: config.consumer.sessionTimeoutMs,
    heartbeatInterval: config.consumer.heartbeatIntervalMs,
    maxBytesPerPartition: 256 * 1024,
    // A partition resumed when its held retry comes due joins the next fetch, not the one in
    // flight; a short broker wait bounds how late that next fetch starts (kafkajs waits 5 s).
    maxWaitTimeInMs: 200,
    allowAutoTopicCreation: false,
  });
  const producer = kafka.producer({
    transactionalId: `${config.consumerGroup}-${instance}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: config.outcomes.transactionTimeoutMs,
    allowAutoTopicCreation: false,
    // An idempotent producer must keep retrying a send, or a retried batch could be
    // duplicated; the transaction timeout bounds how long an unfinished one stays open.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: Number.MAX_SAFE_INTEGER },
  });
  return { consumer, producer, admin: kafka.admin() };
}
