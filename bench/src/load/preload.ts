import { setTimeout as delay } from 'node:timers/promises';
import { AvroSerde } from '@dsr/shared';
import type { BenchContext } from '../bench-context';
import type { BenchLayout } from '../kafka/bench-layout';
import { produceBulk } from './bulk-producer';
import { fastEncoder } from './fast-encoder';
import { intakeTask, routedTask, type TaskKind } from './task-samples';

/** Request ids of one batch of bench tasks: `<runId>-<tag>-<index>`. */
export function requestIdOf(context: BenchContext, tag: string, index: number): string {
  return `${context.runId}-${tag}-${index}`;
}

function serdeFor(context: BenchContext, layout: BenchLayout): AvroSerde {
  return new AvroSerde({
    registryUrl: context.stack.endpoints.schemaRegistryUrl,
    layout: layout.layout,
  });
}

/**
 * Writes `count` routed tasks of one kind straight onto their lane, as if the router had
 * already routed a burst: the state in which a backlog waits for the poller.
 */
export async function preloadLane(
  context: BenchContext,
  layout: BenchLayout,
  kind: TaskKind,
  count: number,
  tag: string,
): Promise<void> {
  const topic =
    kind === 'high' ? layout.layout.topics.tasksHigh : layout.layout.topics.tasksStandard;
  const now = Date.now();
  const sample = routedTask(requestIdOf(context, tag, 0), kind, now);
  const encode = await fastEncoder(serdeFor(context, layout), topic, 'routed-task.avsc', sample);
  const step = Math.max(10_000, Math.floor(count / 5));
  let reported = 0;

  await produceBulk(context.kafka, {
    topic,
    count,
    record: (index) => {
      const task = routedTask(requestIdOf(context, tag, index), kind, now);
      return { key: task.subject_key, value: encode(task) };
    },
    onProgress: (done) => {
      if (done - reported < step && done < count) return;
      reported = done;
      context.progress(`${tag}: ${done} of ${count} tasks on the ${kind} lane`);
    },
  });
}

/**
 * Writes routed tasks onto a lane at a steady pace, `perSecond` at a time, so that what follows
 * from them (failures, retries) is spread over time rather than bunched in one burst.
 */
export async function paceLane(
  context: BenchContext,
  layout: BenchLayout,
  requestIds: readonly string[],
  perSecond: number,
): Promise<void> {
  const topic = layout.layout.topics.tasksStandard;
  const sample = routedTask(requestIds[0]!, 'standard');
  const encode = await fastEncoder(serdeFor(context, layout), topic, 'routed-task.avsc', sample);
  const producer = context.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();

  try {
    for (let first = 0; first < requestIds.length; first += perSecond) {
      const tick = delay(1_000);
      const messages = requestIds.slice(first, first + perSecond).map((id) => {
        const task = routedTask(id, 'standard');
        return { key: task.subject_key, value: encode(task) };
      });
      await producer.send({ topic, messages, acks: -1 });
      await tick;
    }
  } finally {
    await producer.disconnect();
  }
}

/** One intake task to send: its id and what kind of task it is. */
export interface IntakeOrder {
  requestId: string;
  kind: TaskKind;
}

/**
 * Writes intake tasks as a burst from an upstream system, as fast as the broker takes them.
 * Returns when each task was built (its `received_at`), by request id.
 */
export async function sendIntakeBurst(
  context: BenchContext,
  layout: BenchLayout,
  orders: readonly IntakeOrder[],
): Promise<Map<string, number>> {
  const topic = layout.layout.topics.intake;
  const sample = intakeTask(orders[0]!.requestId, orders[0]!.kind);
  const encode = await fastEncoder(serdeFor(context, layout), topic, 'intake-task.avsc', sample);
  const sentAt = new Map<string, number>();

  await produceBulk(context.kafka, {
    topic,
    count: orders.length,
    record: (index) => {
      const { requestId, kind } = orders[index]!;
      const now = Date.now();
      sentAt.set(requestId, now);
      return { key: requestId, value: encode(intakeTask(requestId, kind, now)) };
    },
  });
  return sentAt;
}

export { serdeFor };
