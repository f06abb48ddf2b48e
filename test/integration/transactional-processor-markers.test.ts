import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { TransactionalProcessor, type ConsumedRecord, type ProducedRecord } from '@dsr/shared';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { testKafka, testLogger, uniqueName } from '../support/environment';
import { tapTopic, type TopicTap } from '../support/pipeline-fixtures';
import { waitFor } from '../support/wait-for';

const PARTITIONS = 2;

interface Topics {
  input: string;
  output: string;
  admin: Admin;
}

async function inputAndOutput(t: TestContext, kafka: Kafka): Promise<Topics> {
  const input = uniqueName('markers-in');
  const output = uniqueName('markers-out');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: PARTITIONS },
      { topic: output, numPartitions: 1 },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin.disconnect();
  });
  return { input, output, admin };
}

async function upstreamProducer(t: TestContext, kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId: uniqueName('upstream'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  t.after(() => producer.disconnect().catch(() => undefined));
  return producer;
}

/** One upstream transaction writing `values` over every partition of the input topic. */
async function writeTransaction(
  producer: Producer,
  input: string,
  values: readonly string[],
  outcome: 'commit' | 'abort',
): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.send({
    topic: input,
    messages: values.map((value, i) => ({ value, partition: i % PARTITIONS })),
  });
  await (outcome === 'commit' ? transaction.commit() : transaction.abort());
}

async function startProcessor(
  t: TestContext,
  kafka: Kafka,
  topics: Topics,
  groupId: string,
): Promise<TransactionalProcessor> {
  const transform = async (record: ConsumedRecord): Promise<ProducedRecord[]> => [
    { topic: topics.output, key: null, value: Buffer.from(`out:${record.value?.toString()}`) },
  ];
  const processor = new TransactionalProcessor({
    kafka,
    groupId,
    topics: [topics.input],
    transform,
    logger: testLogger(),
  });
  t.after(() => processor.close());
  await processor.start();
  return processor;
}

/** Per partition, whether the group's committed offset equals the partition's end offset. */
async function committedToEnd(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.every(
    (end) => committed?.partitions.find((p) => p.partition === end.partition)?.offset === end.high,
  );
}

async function waitForCommittedToEnd(admin: Admin, groupId: string, topic: string) {
  await waitFor(() => committedToEnd(admin, groupId, topic), {
    description: 'the committed offset of every partition to reach its end offset',
  });
}

function outputs(tap: TopicTap): string[] {
  return tap.messages.map((m) => m.value?.toString() ?? '').sort();
}

function expectedOutputs(values: readonly string[]): string[] {
  return values.map((value) => `out:${value}`).sort();
}

test('TransactionalProcessor: an idle group commits past the markers of transactional upstream producers', async (t) => {
  const kafka = testKafka();
  const topics = await inputAndOutput(t, kafka);
  const groupId = uniqueName('group');
  const upstream = await upstreamProducer(t, kafka);
  const committed: string[] = [];
  for (let txn = 0; txn < 4; txn += 1) {
    const values = [0, 1, 2].map((i) => `txn${txn}-record${i}`);
    await writeTransaction(upstream, topics.input, values, txn === 2 ? 'abort' : 'commit');
    if (txn !== 2) committed.push(...values);
  }

  const tap = await tapTopic(t, topics.output);
  await startProcessor(t, kafka, topics, groupId);
  await waitFor(() => tap.messages.length >= committed.length, { description: 'the outputs' });
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);

  // Written while the group is idle: the aborted transaction reaches the consumer as a fetch
  // with no record to deliver, only aborted records and their marker.
  const late = ['late-record0', 'late-record1'];
  await writeTransaction(upstream, topics.input, late, 'commit');
  await waitFor(() => tap.messages.length >= committed.length + late.length, {
    description: 'the outputs of the late transaction',
  });
  await writeTransaction(upstream, topics.input, ['aborted-record0', 'aborted-record1'], 'abort');
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);

  assert.deepEqual(outputs(tap), expectedOutputs([...committed, ...late]));
});

test('TransactionalProcessor: a group whose committed offset stops before trailing markers moves past them and reprocesses nothing', async (t) => {
  const kafka = testKafka();
  const topics = await inputAndOutput(t, kafka);
  const groupId = uniqueName('group');
  const upstream = await upstreamProducer(t, kafka);
  await writeTransaction(upstream, topics.input, ['record0', 'record1'], 'commit');
  await writeTransaction(upstream, topics.input, ['record2', 'record3'], 'commit');

  // As a consumer leaves it that commits only up to its last record: on each partition offsets
  // 0 and 2 hold records, 1 and 3 the commit markers, and the final marker stays behind.
  await topics.admin.setOffsets({
    groupId,
    topic: topics.input,
    partitions: [0, 1].map((partition) => ({ partition, offset: '3' })),
  });
  const ends = await topics.admin.fetchTopicOffsets(topics.input);
  assert.deepEqual(
    ends.map((end) => end.high),
    ['4', '4'],
  );

  const tap = await tapTopic(t, topics.output);
  await startProcessor(t, kafka, topics, groupId);
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);

  // Anything processed again would have committed before this record's output.
  await writeTransaction(upstream, topics.input, ['sentinel'], 'commit');
  await waitFor(() => tap.messages.length >= 1, { description: 'the sentinel output' });
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);
  assert.deepEqual(outputs(tap), ['out:sentinel'], 'no record was processed again');
});

test('TransactionalProcessor: while partitions move between members, each record is processed once and the committed offsets reach the end', async (t) => {
  const kafka = testKafka();
  const topics = await inputAndOutput(t, kafka);
  const groupId = uniqueName('group');
  const upstream = await upstreamProducer(t, kafka);
  const committed: string[] = [];
  let txn = 0;
  const writeSome = async (count: number) => {
    for (const end = txn + count; txn < end; txn += 1) {
      const values = [0, 1, 2].map((i) => `txn${txn}-record${i}`);
      await writeTransaction(upstream, topics.input, values, txn % 2 === 1 ? 'abort' : 'commit');
      if (txn % 2 === 0) committed.push(...values);
    }
  };
  const tap = await tapTopic(t, topics.output);

  const first = await startProcessor(t, kafka, topics, groupId);
  await writeSome(2);
  await waitFor(() => tap.messages.length >= committed.length, { description: 'first outputs' });

  // A second member joins: the partitions are shared out again while upstream keeps writing.
  const second = await startProcessor(t, kafka, topics, groupId);
  await writeSome(4);
  await waitFor(() => first.joined && second.joined, { description: 'both members joined' });
  await writeSome(2);

  // The first member leaves: its partitions move to the second.
  await first.close();
  await writeSome(3);
  await waitFor(() => tap.messages.length >= committed.length, { description: 'all outputs' });
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);

  await writeTransaction(upstream, topics.input, ['sentinel'], 'commit');
  await waitFor(() => tap.messages.length >= committed.length + 1, {
    description: 'the sentinel output',
  });
  await waitForCommittedToEnd(topics.admin, groupId, topics.input);
  assert.deepEqual(outputs(tap), expectedOutputs([...committed, 'sentinel']));
});
