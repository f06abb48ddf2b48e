import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupStatus } from '../../cli/src/kafka/group-lag';
import { isolatedTopics, testKafka, uniqueName } from '../support/environment';
import { linesOf, prefixOf, runDsr } from '../support/run-dsr';
import { waitFor } from '../support/wait-for';

describe('dsr lag', () => {
  it("shows each service group's committed lag per topic", async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    t.after(() => producer.disconnect());
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: layout.topics.validated, messages });

    const groupId = `${prefixOf(layout)}dsr-router`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    t.after(() => consumer.disconnect());
    await consumer.subscribe({ topic: layout.topics.validated, fromBeginning: true });
    let seen = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        seen += 1;
        // Commit only the first four, leaving six records of lag.
        if (seen <= 4) {
          const offset = (BigInt(message.offset) + 1n).toString();
          await consumer.commitOffsets([{ topic: layout.topics.validated, partition, offset }]);
        }
      },
    });
    await waitFor(() => seen === 10, { description: 'the group to read all ten records' });

    // A read by the dsr command itself leaves an ephemeral group; it is not a service.
    const admin = kafka.admin();
    await admin.connect();
    t.after(() => admin.disconnect());
    await admin.setOffsets({
      groupId: `${prefixOf(layout)}dsr-cli-follow-x`,
      topic: layout.topics.validated,
      partitions: [{ partition: 0, offset: '1' }],
    });

    const table = await runDsr(['lag'], { layout });
    const json = await runDsr(['lag', '--json'], { layout });

    assert.equal(table.code, 0, table.stderr);
    const row = linesOf(table.stdout).find((line) => line.startsWith('router'));
    assert.match(
      row ?? '',
      new RegExp(`^router\\s+${groupId}\\s+Stable\\s+1\\s+${layout.topics.validated}\\s+1\\s+6$`),
    );
    const groups = JSON.parse(json.stdout) as GroupStatus[];
    assert.deepEqual(
      groups.map((g) => [g.groupId, g.totalLag, g.members]),
      [[groupId, 6, 1]],
    );
  });

  it('says so when no group matches', async () => {
    const run = await runDsr(['lag', '--group', uniqueName('nobody')]);

    assert.equal(run.code, 0);
    assert.match(run.stderr, /no consumer groups start with "nobody-/);
  });
});
