import type { Kafka } from 'kafkajs';
import type { ServiceContext } from './run-service';

/** A service that consumes in a group through a transactional processor. */
export interface TransactionalService {
  /** Whether its consumer has joined the group. */
  readonly joined: boolean;
  start(): Promise<void>;
  /** Stops fetching; the transaction in progress completes or aborts. */
  stopFetching(): Promise<void>;
  /** Closes everything it opened; idempotent. */
  close(): Promise<void>;
  on(event: 'crash', listener: (error: unknown) => void): unknown;
}

/** The service to host and what its consumer group reads. */
export interface TransactionalServiceHosting {
  /** The name of its close step. */
  name: string;
  service: TransactionalService;
  /** The client whose admin measures the group's lag. */
  kafka: Kafka;
  groupId: string;
  /** The topics whose lag is reported. */
  topics: readonly string[];
}

/**
 * Ties a transactional service to its process runtime: ready once the consumer joined; on close,
 * fetching stops before the service closes; a consumer that crashed for good ends the process;
 * then it starts and its consumer group's lag is reported.
 */
export async function hostTransactionalService(
  context: ServiceContext,
  hosting: TransactionalServiceHosting,
): Promise<void> {
  const { runtime, fail } = context;
  const { service } = hosting;
  runtime.readiness.register('consumer', () => service.joined);
  runtime.onShutdown('stop-fetching', 'consumer', () => service.stopFetching());
  runtime.onShutdown('close', hosting.name, () => service.close());
  service.on('crash', (error) => void fail(error, 'consumer crashed'));
  await service.start();

  await runtime.watchConsumerLag({
    kafka: hosting.kafka,
    groupId: hosting.groupId,
    topics: hosting.topics,
  });
}
