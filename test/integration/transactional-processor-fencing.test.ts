import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  TransactionalProcessor,
  partitionTransactionalId,
  type ConsumedRecord,
  type ProducedRecord,
} from '@dsr/shared';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { testKafka, testLogger, uniqueName } from '../support/environment';
import { tapTopic } from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

/** An input topic with one record and an empty output topic, both one partition. */
async function inputAndOutput(
  t: TestContext,
  kafka: Kafka,
): Promise<{ input: string; output: string }> {
  const input = uniqueName('fence-in');
  const output = uniqueName('fence-out');
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
  await producer.send({ topic: input, messages: [{ key: 'k', value: 'record-0' }] });
  await producer.disconnect();
  return { input, output };
}

async function transactionalProducer(
  t: TestContext,
  kafka: Kafka,
  transactionalId: string,
): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  t.after(() => producer.disconnect().catch(() => undefined));
  return producer;
}

/** What a stale instance had done for record 0 when it stalled: output sent, offset staged. */
async function staleWork(
  producer: Producer,
  output: string,
  input: string,
  groupId: string,
): Promise<Transaction> {
  const transaction = await producer.transaction();
  await transaction.send({ topic: output, messages: [{ key: 'k', value: 'from-stale-instance' }] });
  await transaction.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }],
  });
  return transaction;
}

function errorType(error: unknown): string | undefined {
  return (error as { type?: string } | undefined)?.type;
}

test('kafkajs transactions: a stale producer with the same transactional id is fenced', async (t) => {
  const kafka = testKafka();
  const { input, output } = await inputAndOutput(t, kafka);
  const transactionalId = uniqueName('same-id');
  const groupId = uniqueName('group');

  const stale = await staleWork(
    await transactionalProducer(t, kafka, transactionalId),
    output,
    input,
    groupId,
  );
  const current = await transactionalProducer(t, kafka, transactionalId);
  const fresh = await current.transaction();
  await fresh.send({ topic: output, messages: [{ key: 'k', value: 'from-current-instance' }] });
  await fresh.commit();

  const refused = await stale.commit().then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(
    ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'].includes(errorType(refused) ?? ''),
    `fenced: ${String(refused)}`,
  );
  const tap = await tapTopic(t, output);
  await waitFor(() => tap.messages.length >= 1, { description: 'the current instance output' });
  assert.deepEqual(
    tap.messages.map((m) => m.value?.toString()),
    ['from-current-instance'],
  );
});

test('kafkajs transactions: a stale member with its own transactional id is NOT fenced after its partition moved', async (t) => {
  const kafka = testKafka();
  const { input, output } = await inputAndOutput(t, kafka);
  const groupId = uniqueName('group');

  // The stale instance stalled mid-transaction; its partition went to another member, which
  // processed record 0 again under its own transactional id and committed.
  const stale = await staleWork(
    await transactionalProducer(t, kafka, uniqueName('instance-a')),
    output,
    input,
    groupId,
  );
  const current = await transactionalProducer(t, kafka, uniqueName('instance-b'));
  const redo = await current.transaction();
  await redo.send({ topic: output, messages: [{ key: 'k', value: 'from-current-instance' }] });
  await redo.sendOffsets({
    consumerGroupId: groupId,
    topics: [{ topic: input, partitions: [{ partition: 0, offset: '1' }] }],
  });
  await redo.commit();

  // kafkajs sends TxnOffsetCommit without the group generation (pre-KIP-447), so the broker
  // accepts the stale commit: record 0's output is now there twice.
  await stale.commit();
  const tap = await tapTopic(t, output);
  await waitFor(() => tap.messages.length >= 2, { description: 'both outputs' });
  assert.deepEqual(tap.messages.map((m) => m.value?.toString()).sort(), [
    'from-current-instance',
    'from-stale-instance',
  ]);
});

test('TransactionalProcessor: the new owner of a partition fences a stale one and processes the record once', async (t) => {
  const kafka = testKafka();
  const { input, output } = await inputAndOutput(t, kafka);
  const groupId = uniqueName('group');
  const prefix = uniqueName('service');

  // The stale instance used the per-partition transactional id the processor derives.
  const staleProducer = await transactionalProducer(
    t,
    kafka,
    partitionTransactionalId(prefix, input, 0),
  );
  const stale = await staleWork(staleProducer, output, input, groupId);

  const transform = async (record: ConsumedRecord): Promise<ProducedRecord[]> => [
    {
      topic: output,
      key: record.key,
      value: Buffer.from(`from-processor:${record.value?.toString()}`),
    },
  ];
  const processor = new TransactionalProcessor({
    kafka,
    groupId,
    topics: [input],
    transform,
    logger: testLogger(),
    transactionalIdPrefix: prefix,
  });
  t.after(() => processor.close());
  await processor.start();

  const tap = await tapTopic(t, output);
  await waitFor(() => tap.messages.length >= 1, { description: 'the processor output' });
  const refused = await stale.commit().then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(
    ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'].includes(errorType(refused) ?? ''),
    `fenced: ${String(refused)}`,
  );

  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
  assert.equal(committed?.partitions[0]?.offset, '1');
  assert.deepEqual(
    tap.messages.map((m) => m.value?.toString()),
    ['from-processor:record-0'],
  );
});
