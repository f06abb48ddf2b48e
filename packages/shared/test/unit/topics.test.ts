import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors';
import { tierName, topicLayout } from '../../src/kafka/topics';
import { topicLayoutFromEnv } from '../../src/kafka/topic-layout-from-env';

describe('topicLayout', () => {
  it('by default, uses the documented names and three retry tiers', () => {
    const layout = topicLayout();
    assert.equal(layout.topics.intake, 'dsr.intake');
    assert.equal(layout.topics.tasksHigh, 'dsr.tasks.high');
    assert.deepEqual(layout.retryTiers.map((t) => t.topic), ['dsr.retry.10s', 'dsr.retry.1m', 'dsr.retry.10m']);
    assert.equal(layout.specs.length, 11);
  });

  it('when given a prefix and a name override, the override wins over the prefix', () => {
    const layout = topicLayout({ prefix: 'x.', names: { audit: 'compliance.audit' } });
    assert.equal(layout.topics.intake, 'x.dsr.intake');
    assert.equal(layout.topics.audit, 'compliance.audit');
    assert.equal(layout.retryTiers[0]?.topic, 'x.dsr.retry.10s');
  });

  it('keeps the audit trail forever and dead letters longer than working topics', () => {
    const specs = new Map(topicLayout().specs.map((s) => [s.name, s]));
    assert.equal(specs.get('dsr.audit')?.retentionMs, -1);
    assert.ok(specs.get('dsr.dlq')!.retentionMs > specs.get('dsr.tasks.high')!.retentionMs);
  });

  it('when tiers are not ascending, it refuses with the option named', () => {
    assert.throws(() => topicLayout({ retryDelaysMs: [60_000, 10_000] }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'retryDelaysMs must be positive and strictly ascending, got [60000, 10000]');
      return true;
    });
    assert.throws(() => topicLayout({ retryDelaysMs: [] }), ConfigError);
  });

  it('names tiers after their delay', () => {
    assert.deepEqual([tierName(500), tierName(10_000), tierName(120_000), tierName(7_200_000)], ['500ms', '10s', '2m', '2h']);
  });

  it('reads the layout from the environment', () => {
    const layout = topicLayoutFromEnv({ DSR_TOPIC_PREFIX: 'p.', DSR_RETRY_DELAYS_MS: '1000, 5000', DSR_TOPIC_PARTITIONS: '2' });
    assert.equal(layout.topics.dlq, 'p.dsr.dlq');
    assert.deepEqual(layout.retryTiers.map((t) => t.delayMs), [1000, 5000]);
    assert.ok(layout.specs.every((s) => s.partitions === 2));
    assert.throws(() => topicLayoutFromEnv({ DSR_RETRY_DELAYS_MS: '1s,2s' }), /DSR_RETRY_DELAYS_MS must be integers/);
  });
});
