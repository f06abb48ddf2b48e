import { test } from 'node:test';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import { mixedTasks, serviceNames, startIngest } from '../support/ingest-router-fixtures';
import {
  expectValidatedAndRoutedOnce,
  killTwiceAndRestart,
  produceIntakeTasks,
} from '../support/kill-restart';
import { tapTopic, testSerde } from '../support/pipeline-fixtures';
import { startServiceProcess } from '../support/service-process';

test('router: killed with SIGKILL twice mid-stream and restarted, every task is routed exactly once', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const serde = testSerde(layout);
  const names = serviceNames();
  const mixed = mixedTasks(1_000);
  const config = {
    consumerGroup: names.routerGroup,
    maxRecordsPerTransaction: 20,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 1_000,
  };
  const spawnRouter = () =>
    startServiceProcess(t, {
      service: 'router',
      layout,
      databaseUrl,
      config,
      transactionalIdPrefix: names.routerTx,
    });

  const validated = await tapTopic(t, layout.topics.validated);
  const high = await tapTopic(t, layout.topics.tasksHigh);
  const standard = await tapTopic(t, layout.topics.tasksStandard);
  const everyHigh = await tapTopic(t, layout.topics.tasksHigh, true);
  const everyStandard = await tapTopic(t, layout.topics.tasksStandard, true);
  await startIngest(t, layout, databaseUrl, names);
  await produceIntakeTasks(t, serde, layout, mixed);

  const survivor = await killTwiceAndRestart(
    spawnRouter,
    () => high.messages.length + standard.messages.length,
    'the router to route',
  );

  const taps = { validated, high, standard };
  await expectValidatedAndRoutedOnce({ serde, layout, names, mixed, taps, survivor });
  const written = everyHigh.messages.length + everyStandard.messages.length;
  t.diagnostic(`lane records written by killed instances and aborted: ${written - mixed.length}`);
});
