import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QuarantineRecord } from '@dsr/shared';
import { startSimulator } from '@dsr/simulator';
import { isolatedTopics } from '../support/environment';
import { produceRaw } from '../support/pipeline-fixtures';
import {
  collectOutcomes,
  finalOutcomes,
  produceTasks,
  routedTask,
  simulatedSource,
  startPoller,
  testPollerConfig,
} from '../support/poller-harness';
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

test('poller: a lane record that is not a task is quarantined and the partition moves on', async (t) => {
  const layout = await isolatedTopics(t, { partitions: 1 });
  const sim = await startSimulator({ seed: 2, sources: { crm: {} } });
  t.after(() => sim.close());
  const config = testPollerConfig({
    sources: { crm: { connector: simulatedSource(sim, 'crm', 'sync') } },
  });
  const outcomes = await collectOutcomes(t, layout);
  const quarantined = await collectTopic<QuarantineRecord>(t, layout, layout.topics.quarantine);

  const before = routedTask();
  const after = routedTask();
  await produceTasks(layout, [before]);
  await produceRaw(t, layout.topics.tasksStandard, [
    { key: 'junk', value: Buffer.from('not avro') },
  ]);
  await produceTasks(layout, [after]);
  await startPoller(t, layout, config);

  await waitFor(() => finalOutcomes(outcomes).size === 2 && quarantined.length === 1, {
    description: 'both tasks to finish and the junk record to be quarantined',
  });
  const record = quarantined[0]!.value;
  assert.deepEqual(
    [record.topic, record.offset, record.reason_codes, record.original.toString()],
    [layout.topics.tasksStandard, '1', ['DECODE_BAD_MAGIC_BYTE'], 'not avro'],
  );
  assert.equal(finalOutcomes(outcomes).get(after.request_id)?.succeeded.length, 1);
});
