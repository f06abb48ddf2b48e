import type { TestContext } from 'node:test';
import { AvroSerde, type TopicLayout } from '@dsr/shared';
import { testEndpoints, testKafka, uniqueName } from './environment';

/** A decoded record with where it was read. */
export interface ReadRecord<T> {
  value: T;
  key: string | null;
  partition: number;
  offset: string;
}

/**
 * Collects every record of a topic, decoded with the layout's schemas, from the beginning and
 * for as long as the test runs. `records` grows as they arrive; wait on it with `waitFor`.
 */
export async function collectTopic<T>(
  t: TestContext,
  layout: TopicLayout,
  topic: string,
): Promise<ReadRecord<T>[]> {
  const serde = new AvroSerde({ registryUrl: testEndpoints().schemaRegistryUrl, layout });
  const consumer = testKafka().consumer({ groupId: uniqueName('collect') });
  const records: ReadRecord<T>[] = [];
  await consumer.connect();
  t.after(() => consumer.disconnect());

  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const { value } = await serde.decode<T>(topic, message.value);
      const key = message.key ? message.key.toString('utf8') : null;
      records.push({ value, key, partition, offset: message.offset });
    },
  });
  return records;
}

/** Writes values to a topic, encoded with the layout's schemas, keyed as given. */
export async function produceEncoded(
  layout: TopicLayout,
  topic: string,
  entries: readonly { key: string; value: unknown }[],
): Promise<void> {
  const serde = new AvroSerde({ registryUrl: testEndpoints().schemaRegistryUrl, layout });
  const producer = testKafka().producer();
  await producer.connect();
  try {
    const messages = await Promise.all(
      entries.map(async ({ key, value }) => ({ key, value: await serde.encode(topic, value) })),
    );
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}
