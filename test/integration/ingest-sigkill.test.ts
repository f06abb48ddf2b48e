import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutedTask } from '@dsr/shared';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import { mixedTasks, serviceNames, startRouter } from '../support/ingest-router-fixtures';
import {
  expectValidatedAndRoutedOnce,
  killTwiceAndRestart,
  produceIntakeTasks,
} from '../support/kill-restart';
import {
  TEST_SOURCE_SYSTEMS,
  countBy,
  decodeAll,
  tapTopic,
  testSerde,
  uncommittedRecords,
} from '../support/pipeline-fixtures';
import { startServiceProcess } from '../support/service-process';
import { waitFor } from '../support/wait-for';

test('ingest: killed with SIGKILL twice mid-stream and restarted, every task is validated and routed exactly once', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const mixed = mixedTasks(1_000);
  const config = {
    consumerGroup: names.ingestGroup,
    sourceSystems: TEST_SOURCE_SYSTEMS,
    maxRecordsPerTransaction: 20,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 1_000,
  };
  const spawnIngest = () =>
    startServiceProcess(t, {
      service: 'ingest',
      layout,
      databaseUrl,
      config,
      transactionalIdPrefix: names.ingestTx,
    });

  const validated = await tapTopic(t, layout.topics.validated);
  const everything = await tapTopic(t, layout.topics.validated, true);
  const high = await tapTopic(t, layout.topics.tasksHigh);
  const standard = await tapTopic(t, layout.topics.tasksStandard);
  await startRouter(t, layout, databaseUrl, names);
  await produceIntakeTasks(t, serde, layout, mixed);

  const survivor = await killTwiceAndRestart(
    spawnIngest,
    () => validated.messages.length,
    'ingest to validate',
  );

  const taps = { validated, high, standard };
  await expectValidatedAndRoutedOnce({ serde, layout, names, mixed, taps, survivor });
  t.diagnostic(
    `records written by killed instances and aborted: ${everything.messages.length - mixed.length}`,
  );
});

test('ingest: SIGTERM mid-stream closes every step cleanly (exit 0) and a restart finishes exactly once', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const mixed = mixedTasks(400);
  const config = {
    consumerGroup: names.ingestGroup,
    sourceSystems: TEST_SOURCE_SYSTEMS,
    maxRecordsPerTransaction: 20,
  };
  const spawnIngest = () =>
    startServiceProcess(t, {
      service: 'ingest',
      layout,
      databaseUrl,
      config,
      transactionalIdPrefix: names.ingestTx,
    });

  const validated = await tapTopic(t, layout.topics.validated);
  await produceIntakeTasks(t, serde, layout, mixed);

  const first = spawnIngest();
  await waitFor(() => validated.messages.length >= 100, {
    timeoutMs: 120_000,
    description: `ingest to validate 100 tasks (${first.output.slice(-3).join(' | ')})`,
  });
  assert.equal(await first.kill('SIGTERM'), '0', first.output.slice(-5).join('\n'));

  const second = spawnIngest();
  await waitFor(
    async () =>
      validated.messages.length >= mixed.length &&
      (await uncommittedRecords(names.ingestGroup, layout.topics.intake)) === 0,
    {
      timeoutMs: 120_000,
      intervalMs: 1_000,
      description: `every task to be validated (${second.output.slice(-3).join(' | ')})`,
    },
  );
  const counts = countBy(
    await decodeAll<RoutedTask>(serde, layout.topics.validated, validated),
    (task) => task.request_id,
  );
  for (const { task } of mixed) assert.equal(counts.get(task.request_id), 1, task.request_id);
  assert.equal(validated.messages.length, mixed.length);
});
