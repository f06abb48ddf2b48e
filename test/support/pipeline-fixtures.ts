import type { TestContext } from 'node:test';
import { AvroSerde, type IntakeTask, type TopicLayout } from '@dsr/shared';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { testEndpoints, testKafka, uniqueName } from './environment';

/** A subject-key secret for tests (32+ bytes). */
export const TEST_SUBJECT_KEY_SECRET = 'test-subject-key-secret-0123456789abcdef';

/** Source systems the tests configure. */
export const TEST_SOURCE_SYSTEMS: readonly string[] = Object.freeze(['crm', 'billing', 'support']);

/** A serde for the layout's topics against the test registry. */
export function testSerde(layout: TopicLayout, maxValueBytes?: number): AvroSerde {
  return new AvroSerde({ registryUrl: testEndpoints().schemaRegistryUrl, layout, maxValueBytes });
}

/** A valid intake task with overrides. */
export function intakeTask(overrides: Partial<IntakeTask> = {}): IntakeTask {
  return {
    request_id: uniqueName('req'),
    subject_email: 'someone@example.test',
    action: 'access',
    source_system: 'crm',
    priority: 3,
    jurisdiction: null,
    received_at: null,
    deadline: null,
    changes: null,
    trace_id: null,
    ...overrides,
  };
}

/** A raw record for the intake topic. */
export interface RawRecord {
  key?: string | Buffer | null;
  value: Buffer | null;
}

/** Writes records to a topic with a plain (non-transactional) producer. */
export async function produceRaw(
  t: TestContext,
  topic: string,
  records: readonly RawRecord[],
  kafka: Kafka = testKafka(),
): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  for (let i = 0; i < records.length; i += 500) {
    const messages = records.slice(i, i + 500).map((r) => ({ key: r.key ?? null, value: r.value }));
    await producer.send({ topic, messages });
  }
}

/** Everything a read_committed consumer has seen on a topic so far. */
export interface TopicTap {
  readonly messages: KafkaMessage[];
  readonly partitions: number[];
}

/**
 * Reads a topic from the beginning into memory until the test ends: with read_committed (the
 * default), the way a downstream service sees it; with read_uncommitted, including the records
 * of aborted transactions.
 */
export async function tapTopic(
  t: TestContext,
  topic: string,
  readUncommitted = false,
): Promise<TopicTap> {
  const consumer = testKafka().consumer({ groupId: uniqueName('tap'), readUncommitted });
  const tap = { messages: [] as KafkaMessage[], partitions: [] as number[] };
  await consumer.connect();
  t.after(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      tap.messages.push(message);
      tap.partitions.push(partition);
    },
  });
  return tap;
}

/** Decodes every message of a tap with the topic's schema. */
export async function decodeAll<T>(serde: AvroSerde, topic: string, tap: TopicTap): Promise<T[]> {
  return Promise.all(tap.messages.map(async (m) => (await serde.decode<T>(topic, m.value)).value));
}

/** Counts the values of one field. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Records of a topic the group has not committed yet (counting transaction markers). */
export async function uncommittedRecords(groupId: string, topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    let lag = 0;
    for (const end of ends) {
      const mine = committed[0]?.partitions.find((p) => p.partition === end.partition);
      const from = Number(mine?.offset ?? -1) >= 0 ? Number(mine!.offset) : Number(end.low);
      lag += Number(end.high) - from;
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
