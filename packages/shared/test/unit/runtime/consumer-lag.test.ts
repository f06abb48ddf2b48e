import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import {
  fetchConsumerLag,
  partitionLag,
  reportConsumerLag,
} from '../../../src/runtime/consumer-lag';
import { createPipelineMetrics } from '../../../src/runtime/metrics';

/** The two admin calls lag needs, answering from fixed offsets. */
function offsetsAdmin(committed: Record<number, string>, ends: Record<number, [string, string]>) {
  return {
    fetchOffsets: async ({ topics }: { topics: string[] }) =>
      topics.map((topic) => ({
        topic,
        partitions: Object.entries(committed).map(([p, offset]) => ({
          partition: Number(p),
          offset,
          metadata: null,
        })),
      })),
    fetchTopicOffsets: async () =>
      Object.entries(ends).map(([p, [low, high]]) => ({
        partition: Number(p),
        offset: high,
        low,
        high,
      })),
  } as unknown as Admin;
}

describe('consumer lag', () => {
  it('is the end offset minus the committed offset', () => {
    assert.equal(partitionLag('t', 0, '40', '0', '100').lag, 60);
  });

  it('counts every retained record when the group never committed', () => {
    const lag = partitionLag('t', 0, '-1', '25', '100');

    assert.equal(lag.lag, 75);
    assert.equal(lag.committedOffset, null);
  });

  it('is never negative', () => {
    assert.equal(partitionLag('t', 0, '101', '0', '100').lag, 0);
  });

  it('adds up the partitions of a group and feeds the gauge', async () => {
    const admin = offsetsAdmin({ 0: '10', 1: '-1' }, { 0: ['0', '15'], 1: ['5', '8'] });
    const metrics = createPipelineMetrics({ service: 'router', processMetrics: false });

    const lag = await fetchConsumerLag(admin, 'dsr-router', ['dsr.validated']);
    reportConsumerLag(metrics, lag);

    assert.equal(lag.totalLag, 8);
    assert.deepEqual(
      lag.partitions.map((p) => [p.partition, p.lag]),
      [
        [0, 5],
        [1, 3],
      ],
    );
    const { values } = await metrics.consumerLag.get();
    assert.deepEqual(values.map((v) => v.value).sort(), [3, 5]);
  });

  it('reports no partitions when asked about no topics', async () => {
    const lag = await fetchConsumerLag(offsetsAdmin({}, {}), 'g', []);

    assert.deepEqual(lag, { groupId: 'g', totalLag: 0, partitions: [] });
  });
});
