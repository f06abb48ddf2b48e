import type { TestContext } from 'node:test';
import type { IntakeTask, TopicLayout } from '@dsr/shared';
import { IngestService, ingestConfigSchema } from '@dsr/ingest';
import { RouterService, routerConfigSchema } from '@dsr/router';
import { testEndpoints, testKafka, testLogger, uniqueName } from './environment';
import { CORPUS_MAX_VALUE_BYTES } from './bad-intake-corpus';
import { TEST_SOURCE_SYSTEMS, TEST_SUBJECT_KEY_SECRET, intakeTask } from './pipeline-fixtures';

const DAY_MS = 86_400_000;

/** The consumer groups and transactional-id prefixes of one test's ingest and router. */
export interface ServiceNames {
  ingestGroup: string;
  routerGroup: string;
  ingestTx: string;
  routerTx: string;
}

export function serviceNames(): ServiceNames {
  return {
    ingestGroup: uniqueName('ingest'),
    routerGroup: uniqueName('router'),
    ingestTx: uniqueName('ingest-tx'),
    routerTx: uniqueName('router-tx'),
  };
}

/** Starts ingest in this process, closed when the test ends. */
export async function startIngest(
  t: TestContext,
  layout: TopicLayout,
  databaseUrl: string,
  names: ServiceNames,
): Promise<IngestService> {
  const ingest = new IngestService({
    kafka: testKafka(),
    layout,
    registryUrl: testEndpoints().schemaRegistryUrl,
    databaseUrl,
    config: ingestConfigSchema.parse({
      consumerGroup: names.ingestGroup,
      sourceSystems: TEST_SOURCE_SYSTEMS,
      maxValueBytes: CORPUS_MAX_VALUE_BYTES,
    }),
    subjectKeySecret: TEST_SUBJECT_KEY_SECRET,
    logger: testLogger('ingest'),
    transactionalIdPrefix: names.ingestTx,
  });
  t.after(() => ingest.close());
  await ingest.start();
  return ingest;
}

/** Starts the router in this process (default rules unless overridden), closed when the test ends. */
export async function startRouter(
  t: TestContext,
  layout: TopicLayout,
  databaseUrl: string,
  names: ServiceNames,
  overrides: Record<string, unknown> = {},
): Promise<RouterService> {
  const router = new RouterService({
    kafka: testKafka(),
    layout,
    registryUrl: testEndpoints().schemaRegistryUrl,
    databaseUrl,
    config: routerConfigSchema.parse({ consumerGroup: names.routerGroup, ...overrides }),
    subjectKeySecret: TEST_SUBJECT_KEY_SECRET,
    logger: testLogger('router'),
    transactionalIdPrefix: names.routerTx,
  });
  t.after(() => router.close());
  await router.start();
  return router;
}

/** A mixed valid task and the lane the default rules must give it. */
export interface MixedTask {
  task: IntakeTask;
  lane: 'high' | 'standard';
}

/**
 * `count` valid tasks mixing actions, out-of-range priorities, jurisdictions, explicit and derived
 * deadlines (some near, some passed), each for its own subject so no deletion waits for an access.
 * The expected lane is computed here from the rules' definition, not from the router's code.
 */
export function mixedTasks(count: number, nowMs = Date.now()): MixedTask[] {
  const actions = ['access', 'deletion', 'rectification'] as const;
  const jurisdictions = [null, 'GDPR', 'CCPA', 'gdpr'];
  return Array.from({ length: count }, (_, i) => {
    const action = actions[i % 3]!;
    const priority = ((i * 7) % 21) - 5;
    const overdue = i % 10 === 0;
    const nearDeadline = i % 10 === 5;
    const task = intakeTask({
      subject_email: `Subject-${i}@Example.test`,
      action,
      source_system: TEST_SOURCE_SYSTEMS[i % TEST_SOURCE_SYSTEMS.length]!,
      priority,
      jurisdiction: jurisdictions[i % 4]!,
      received_at: overdue ? nowMs - 40 * DAY_MS : null,
      deadline: nearDeadline ? nowMs + 2 * DAY_MS : null,
      changes: action === 'rectification' ? { display_name: `Name ${i}` } : null,
      trace_id: i % 2 === 0 ? `trace-${i}` : null,
    });
    const high =
      action === 'deletion' || Math.min(10, Math.max(1, priority)) >= 8 || overdue || nearDeadline;
    return { task, lane: high ? 'high' : 'standard' };
  });
}
