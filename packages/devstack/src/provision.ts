import {
  createKafka,
  createLogger,
  provisionTopics,
  registerSchemas,
  type Endpoints,
  type ProvisionResult,
  type RegisteredSchema,
  type TopicLayout,
} from '@dsr/shared';

export interface ProvisionReport {
  topics: ProvisionResult;
  schemas: RegisteredSchema[];
}

/** Creates the layout's topics and registers its schemas; safe to repeat. */
export async function provision(endpoints: Endpoints, layout: TopicLayout): Promise<ProvisionReport> {
  const logger = createLogger({ service: 'devstack', level: 'warn' });
  const admin = createKafka({ clientId: 'dsr-provision', brokers: endpoints.kafkaBrokers, logger }).admin();
  await admin.connect();
  try {
    const topics = await provisionTopics(admin, layout.specs);
    const schemas = await registerSchemas(endpoints.schemaRegistryUrl, layout);
    return { topics, schemas };
  } finally {
    await admin.disconnect();
  }
}
