import type { Admin } from 'kafkajs';
import { DsrError } from '../errors';
import type { TopicSpec } from './topics';

export interface ProvisionResult {
  created: string[];
  existing: string[];
  grown: string[];
}

/**
 * Creates the topics that are missing and grows those with fewer partitions than declared.
 * Existing topics keep their configuration: changing retention on a live cluster is an
 * operator's decision, not a side effect of starting a service. Safe to run any number of times.
 */
export async function provisionTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<ProvisionResult> {
  try {
    const present = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !present.has(spec.name));
    const existing = specs.filter((spec) => present.has(spec.name));

    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(spec.retentionMs) },
            { name: 'cleanup.policy', value: spec.cleanupPolicy },
          ],
        })),
      });
    }

    const grown = await growPartitions(admin, existing);
    return { created: missing.map((s) => s.name), existing: existing.map((s) => s.name), grown };
  } catch (cause) {
    if (cause instanceof DsrError) throw cause;
    throw new DsrError('TOPIC_PROVISIONING_FAILED', 'could not provision topics', { cause });
  }
}

async function growPartitions(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  if (specs.length === 0) return [];

  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
  const counts = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const short = specs.filter((spec) => (counts.get(spec.name) ?? 0) < spec.partitions);

  if (short.length > 0) {
    await admin.createPartitions({
      topicPartitions: short.map((spec) => ({ topic: spec.name, count: spec.partitions })),
    });
  }
  return short.map((s) => s.name);
}
