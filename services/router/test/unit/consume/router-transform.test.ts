import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import {
  AvroSerde,
  createLogger,
  readSchema,
  topicLayout,
  type ConsumedRecord,
  type RoutedTask,
} from '@dsr/shared';
import { HeldTaskCipher } from '../../../src/ordering/held-task-cipher';
import type { DeletionDecision, OrderingStore } from '../../../src/ordering/ordering-store';
import { RouterOutputs } from '../../../src/records/router-outputs';
import { RouterTransform } from '../../../src/consume/router-transform';

const layout = topicLayout();
const routedType = avro.Type.forSchema(JSON.parse(readSchema('routed-task.avsc')));

/** A registry stand-in that knows every schema as id 1 and resolves id 1 to the routed task. */
function registry(): SchemaRegistry {
  return {
    getSchema: async () => routedType,
    getRegistryIdBySchema: async () => 1,
  } as unknown as SchemaRegistry;
}

function task(overrides: Partial<RoutedTask>): RoutedTask {
  const now = Date.now();
  return {
    request_id: 'req-1',
    subject_email: 'private.person@example.test',
    action: 'access',
    source_system: 'crm',
    priority: 3,
    jurisdiction: 'GDPR',
    received_at: now,
    deadline: now + 30 * 86_400_000,
    deadline_derived: true,
    deadline_passed: false,
    changes: null,
    trace_id: 'trace-1',
    subject_key: 'a'.repeat(64),
    validated_at: now,
    lane: null,
    routed_at: null,
    attempt: 0,
    first_failure_at: null,
    last_error_code: null,
    last_error_category: null,
    origin: null,
    poll: null,
    not_before: null,
    deferrals: 0,
    replays: 0,
    ...overrides,
  } as RoutedTask;
}

async function routeOne(routed: RoutedTask, decision: DeletionDecision): Promise<string[]> {
  const lines: string[] = [];
  const serde = new AvroSerde({
    registryUrl: 'http://registry.invalid',
    layout,
    registry: registry(),
  });
  const store = {
    recordAccess: async () => undefined,
    decideDeletion: async () => decision,
  } as unknown as OrderingStore;
  const transform = new RouterTransform({
    serde,
    layout,
    outputs: new RouterOutputs(serde, layout),
    store,
    cipher: new HeldTaskCipher('router-unit-test-secret-0123456789abcdef'),
    rules: { highPriorityThreshold: 7, deadlineWindowMs: 86_400_000 },
    holdDeletionsBehindAccess: true,
    holdLimits: { maxHoldMs: 60_000, deadlineGuardMs: 60_000 },
    holdCheckIntervalMs: 60_000,
    logger: createLogger({
      service: 'test',
      level: 'debug',
      destination: { write: (line: string) => void lines.push(line) },
    }),
  });
  const record: ConsumedRecord = {
    topic: layout.topics.validated,
    partition: 2,
    offset: '11',
    key: null,
    value: await serde.encode(layout.topics.validated, routed),
    timestamp: String(Date.now()),
    headers: {},
  };
  await transform.transform(record);
  return lines;
}

function lineWith(lines: string[], msg: string): Record<string, unknown> | undefined {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === msg);
}

describe('RouterTransform', () => {
  it('when it routes a task, logs it with the request and trace ids but no personal data', async () => {
    const lines = await routeOne(task({}), { kind: 'route' });
    const routed = lineWith(lines, 'task routed');
    assert.equal(routed?.request_id, 'req-1');
    assert.equal(routed?.trace_id, 'trace-1');
    assert.equal(routed?.offset, '11');
    assert.ok(lines.every((line) => !line.includes('private.person')));
  });

  it('when it holds a deletion, logs the hold with the request and trace ids', async () => {
    const lines = await routeOne(task({ action: 'deletion' }), { kind: 'held', awaiting: 1 });
    const held = lineWith(lines, 'deletion held behind access');
    assert.equal(held?.request_id, 'req-1');
    assert.equal(held?.trace_id, 'trace-1');
    assert.equal(held?.awaiting, 1);
    assert.ok(lines.every((line) => !line.includes('private.person')));
  });
});
