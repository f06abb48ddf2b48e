import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Client } from 'pg';
import {
  createKafka,
  createLogger,
  provisionTopics,
  registerSchemas,
  resolveEndpoints,
  topicLayout,
  type Endpoints,
  type Logger,
  type TopicLayout,
  type TopicLayoutOptions,
} from '@dsr/shared';
import type { Kafka } from 'kafkajs';

/** One id per test process, so names from concurrent or earlier runs never collide. */
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let counter = 0;

/** A name unique to this run and call, e.g. for a consumer group or a transactional id. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base}-${RUN_ID}-${counter}`;
}

/** Endpoints of the broker, registry and database the tests run against. */
export function testEndpoints(): Endpoints {
  return resolveEndpoints();
}

/** A logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

export function testKafka(clientId = uniqueName('test-client')): Kafka {
  return createKafka({ clientId, brokers: testEndpoints().kafkaBrokers, logger: testLogger() });
}

/**
 * A fresh set of topics (and registered schemas) under a unique prefix, deleted when the test
 * ends. Retry delays default to short tiers so retry paths finish within a test.
 */
export async function isolatedTopics(
  t: TestContext,
  options: Omit<TopicLayoutOptions, 'prefix'> = {},
): Promise<TopicLayout> {
  const layout = topicLayout({
    partitions: 3,
    retryDelaysMs: [1_000, 3_000, 9_000],
    ...options,
    prefix: `${uniqueName('t')}.`,
  });
  const admin = testKafka().admin();
  await admin.connect();
  await provisionTopics(admin, layout.specs);
  await registerSchemas(testEndpoints().schemaRegistryUrl, layout);

  t.after(async () => {
    await admin.deleteTopics({ topics: layout.specs.map((s) => s.name) }).catch(() => undefined);
    await admin.disconnect();
  });
  return layout;
}

/**
 * A new, empty database on the test server, dropped when the test ends. Returns its URL.
 */
export async function isolatedDatabase(t: TestContext): Promise<string> {
  const base = new URL(testEndpoints().databaseUrl);
  const name = uniqueName('dsr_test').replace(/-/g, '_').toLowerCase();
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);

  t.after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return url.toString();
}
