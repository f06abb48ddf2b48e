import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { AvroSerde, RoutedTask, TopicLayout } from '@dsr/shared';
import type { MixedTask, ServiceNames } from './ingest-router-fixtures';
import {
  countBy,
  decodeAll,
  produceRaw,
  uncommittedRecords,
  type TopicTap,
} from './pipeline-fixtures';
import type { ServiceProcess } from './service-process';
import { waitFor } from './wait-for';

/** The read_committed taps of the validated topic and both lanes. */
export interface ValidatedAndLaneTaps {
  validated: TopicTap;
  high: TopicTap;
  standard: TopicTap;
}

/** Writes the tasks to the intake topic, keyed by request id, as an upstream system would. */
export async function produceIntakeTasks(
  t: TestContext,
  serde: AvroSerde,
  layout: TopicLayout,
  mixed: readonly MixedTask[],
): Promise<void> {
  const records = await Promise.all(
    mixed.map(async ({ task }) => ({
      key: task.request_id,
      value: await serde.encode(layout.topics.intake, task),
    })),
  );
  await produceRaw(t, layout.topics.intake, records);
}

/**
 * Starts an instance, kills it with SIGKILL once `progress()` reaches 150 and then again at 500
 * (a fresh instance each time), and starts the survivor that must finish the work.
 * `progressLabel` says what progress means in a failure message, as "ingest to validate".
 */
export async function killTwiceAndRestart(
  spawn: () => ServiceProcess,
  progress: () => number,
  progressLabel: string,
): Promise<ServiceProcess> {
  for (const killAt of [150, 500]) {
    const victim = spawn();
    await waitFor(() => progress() >= killAt, {
      timeoutMs: 120_000,
      description: `${progressLabel} ${killAt} tasks (last output: ${victim.output.slice(-3).join(' | ')})`,
    });
    assert.equal(await victim.kill('SIGKILL'), 'SIGKILL');
  }
  return spawn();
}

/**
 * Waits until ingest committed the whole intake topic and every task reached the validated topic
 * and a lane, then asserts each task was validated once and routed once, to its expected lane.
 */
export async function expectValidatedAndRoutedOnce(options: {
  serde: AvroSerde;
  layout: TopicLayout;
  names: ServiceNames;
  mixed: readonly MixedTask[];
  taps: ValidatedAndLaneTaps;
  survivor: ServiceProcess;
}): Promise<void> {
  const { serde, layout, names, mixed, survivor } = options;
  const { validated, high, standard } = options.taps;
  await waitFor(
    async () =>
      validated.messages.length >= mixed.length &&
      high.messages.length + standard.messages.length >= mixed.length &&
      (await uncommittedRecords(names.ingestGroup, layout.topics.intake)) === 0,
    {
      timeoutMs: 240_000,
      intervalMs: 1_000,
      description: `every task to be validated and routed (${survivor.output.slice(-3).join(' | ')})`,
    },
  );

  const validatedTasks = await decodeAll<RoutedTask>(serde, layout.topics.validated, validated);
  const lanes = [
    ...(await decodeAll<RoutedTask>(serde, layout.topics.tasksHigh, high)),
    ...(await decodeAll<RoutedTask>(serde, layout.topics.tasksStandard, standard)),
  ];
  const validatedCount = countBy(validatedTasks, (task) => task.request_id);
  const routedCount = countBy(lanes, (task) => task.request_id);
  for (const { task, lane } of mixed) {
    assert.equal(validatedCount.get(task.request_id), 1, `${task.request_id} validated once`);
    assert.equal(routedCount.get(task.request_id), 1, `${task.request_id} routed once`);
    assert.equal(lanes.find((r) => r.request_id === task.request_id)?.lane, lane);
  }
  assert.equal(validatedTasks.length, mixed.length);
  assert.equal(lanes.length, mixed.length);
}
