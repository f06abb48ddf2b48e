import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { createLogger, topicLayout, type AvroSerde, type RoutedTask } from '@dsr/shared';
import type { Admin, Consumer, EachBatchPayload } from 'kafkajs';
import { OffsetBook } from '../../../src/consume/offset-book';
import { RecordIntake, type Delivery } from '../../../src/consume/record-intake';

const layout = topicLayout({ prefix: 'u.', retryDelaysMs: [1_000, 10_000] });
const tier = layout.retryTiers[0]!;
const NOW = 5_000_000;

/** The consumer calls the intake makes, in order. */
let calls: string[];
let delivered: Delivery[];
let resolved: string[];
let offsets: OffsetBook;

const consumer = {
  pause: (tps: { topic: string; partitions?: number[] }[]) =>
    calls.push(`pause ${tps[0]?.partitions}`),
  resume: (tps: { topic: string; partitions?: number[] }[]) =>
    calls.push(`resume ${tps[0]?.partitions}`),
} as unknown as Consumer;
const admin = { fetchOffsets: () => Promise.resolve([]) } as unknown as Admin;
const serde = {
  decode: (_topic: string, value: Buffer) =>
    Promise.resolve({ value: JSON.parse(value.toString()), schemaId: 1 }),
} as unknown as AvroSerde;

function intake(highWaterMark = 100, lowWaterMark = 10): RecordIntake {
  return new RecordIntake({
    consumer,
    offsets,
    serde,
    layout,
    logger: createLogger({ service: 'test', level: 'silent' }),
    highWaterMark,
    lowWaterMark,
    onDelivery: (delivery) => delivered.push(delivery),
    onUndecodable: () => assert.fail('every test record decodes'),
    now: () => NOW,
  });
}

function message(offset: number, task: Partial<RoutedTask>, appendedAt = NOW) {
  const value = Buffer.from(
    JSON.stringify({ request_id: `r-${offset}`, lane: 'standard', ...task }),
  );
  return { offset: String(offset), value, timestamp: String(appendedAt), headers: {}, key: null };
}

function payload(topic: string, messages: ReturnType<typeof message>[]): EachBatchPayload {
  return {
    batch: { topic, partition: 0, messages, firstOffset: () => messages[0]?.offset ?? null },
    resolveOffset: (offset: string) => resolved.push(offset),
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

describe('RecordIntake', () => {
  beforeEach(() => {
    calls = [];
    delivered = [];
    resolved = [];
    offsets = new OffsetBook(admin, 'group');
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  it('when a tier record is not due → its partition pauses until then, the record unresolved', async () => {
    const subject = intake();
    await subject.eachBatch(payload(tier.topic, [message(0, { not_before: NOW + 400 })]));

    assert.deepEqual([calls, resolved, delivered.length], [['pause 0'], [], 0]);
    mock.timers.tick(399);
    assert.deepEqual(calls, ['pause 0']);
    mock.timers.tick(1);
    assert.deepEqual(calls, ['pause 0', 'resume 0']);
  });

  it('when the held record is fetched again at its due time → it is delivered to run', async () => {
    const subject = intake();
    await subject.eachBatch(payload(tier.topic, [message(0, { not_before: NOW + 400 })]));
    mock.timers.tick(400);
    await subject.eachBatch(payload(tier.topic, [message(0, { not_before: NOW - 1 })]));

    assert.deepEqual(resolved, ['0']);
    assert.deepEqual(
      delivered.map((d) => [d.kind, d.position.offset]),
      [['run', 0]],
    );
  });

  it('when a record is due later than its tier may hold it → it is released at the tier delay to move on', async () => {
    const subject = intake();
    const far = message(0, { not_before: NOW + 3_600_000 }, NOW - tier.delayMs);
    await subject.eachBatch(payload(tier.topic, [far]));

    assert.deepEqual(
      delivered.map((d) => d.kind),
      ['rehop'],
    );
    assert.deepEqual(calls, []);
  });

  it('when a lane record arrives → it is delivered at once with its lane and position', async () => {
    const subject = intake();
    await subject.eachBatch(payload(layout.topics.tasksHigh, [message(7, { lane: null })]));

    assert.deepEqual(
      delivered.map((d) => [d.kind, d.lane, d.original.offset]),
      [['run', 'high', 7]],
    );
  });

  it('when a partition holds the high-water mark of records → it pauses and leaves the rest unresolved', async () => {
    const subject = intake(2, 1);
    const records = [0, 1, 2, 3].map((offset) => message(offset, {}));
    await subject.eachBatch(payload(layout.topics.tasksStandard, records));

    assert.deepEqual([resolved, calls], [['0', '1'], ['pause 0']]);
    const tracker = await offsets.tracker(layout.topics.tasksStandard, 0);
    tracker.complete(0);
    subject.settled(layout.topics.tasksStandard, 0);
    assert.deepEqual(calls, ['pause 0', 'resume 0']);
  });

  it('when a record was already recorded as done → it is resolved but not delivered again', async () => {
    const subject = intake();
    const records = [message(0, {}), message(1, {})];
    await subject.eachBatch(payload(layout.topics.tasksStandard, records));
    await subject.eachBatch(payload(layout.topics.tasksStandard, records));

    assert.equal(delivered.length, 2);
    assert.deepEqual(resolved, ['0', '1', '0', '1']);
  });
});
