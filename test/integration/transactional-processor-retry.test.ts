import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test, type TestContext } from 'node:test';
import { DsrError, TransactionalProcessor, type ConsumedRecord } from '@dsr/shared';
import type { Kafka } from 'kafkajs';
import { testKafka, testLogger, uniqueName } from '../support/environment';
import { tapTopic } from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

async function topicsWithRecords(t: TestContext, kafka: Kafka, count: number) {
  const input = uniqueName('retry-in');
  const output = uniqueName('retry-out');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [input, output].map((topic) => ({ topic, numPartitions: 1 })),
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: input,
    messages: Array.from({ length: count }, (_, i) => ({ value: `record-${i}` })),
  });
  await producer.disconnect();
  return { input, output, admin };
}

test('TransactionalProcessor: a transient failure aborts and retries the chunk; each record is produced once', async (t) => {
  const kafka = testKafka();
  const { input, output, admin } = await topicsWithRecords(t, kafka, 10);
  const groupId = uniqueName('group');
  let failuresLeft = 2;
  const transform = async (record: ConsumedRecord) => {
    if (record.offset === '5' && failuresLeft > 0) {
      failuresLeft -= 1;
      throw new DsrError('REGISTRY_UNREACHABLE', 'registry down for a moment');
    }
    return [{ topic: output, key: null, value: Buffer.from(`out:${record.value?.toString()}`) }];
  };
  const processor = new TransactionalProcessor({
    kafka,
    groupId,
    topics: [input],
    transform,
    logger: testLogger(),
    maxRecordsPerTransaction: 4,
    retryInitialMs: 50,
  });
  t.after(() => processor.close());
  const tap = await tapTopic(t, output);
  await processor.start();

  await waitFor(() => tap.messages.length >= 10, { description: 'all ten outputs' });
  await waitFor(
    async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
      return offsets?.partitions[0]?.offset === '10';
    },
    { description: 'the offsets committed' },
  );
  assert.equal(failuresLeft, 0);
  assert.deepEqual(
    tap.messages.map((m) => m.value?.toString()),
    Array.from({ length: 10 }, (_, i) => `out:record-${i}`),
  );
});

test('TransactionalProcessor: a non-retriable failure stops it with crash and commits nothing of the chunk', async (t) => {
  const kafka = testKafka();
  const { input, output, admin } = await topicsWithRecords(t, kafka, 3);
  const groupId = uniqueName('group');
  const transform = async (record: ConsumedRecord) => {
    if (record.offset === '1') throw new DsrError('INTERNAL', 'a defect');
    return [{ topic: output, key: null, value: Buffer.from('out') }];
  };
  const processor = new TransactionalProcessor({
    kafka,
    groupId,
    topics: [input],
    transform,
    logger: testLogger(),
  });
  t.after(() => processor.close());
  const crashed = once(processor, 'crash');
  await processor.start();

  const [error] = (await crashed) as [DsrError];
  assert.equal(error.code, 'INTERNAL');
  const committed = await waitFor(
    async () => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
      return offsets?.partitions[0]?.offset;
    },
    { description: 'the group offsets to be readable' },
  );
  assert.equal(committed, '-1', 'nothing committed');
});
