import {
  provisionTopics,
  registerSchemas,
  topicLayout,
  type TopicLayout,
  type TopicLayoutOptions,
} from '@dsr/shared';
import type { BenchContext } from '../bench-context';

/** The topics of one measurement, under a prefix of their own. */
export interface BenchLayout {
  prefix: string;
  layout: TopicLayout;
  /** Deletes the topics, so a run leaves no backlog behind on the shared broker. */
  remove(): Promise<void>;
}

/** Partitions per topic: the services' default, so the bench measures what is deployed. */
export const BENCH_PARTITIONS = 6;

/**
 * Creates every topic of a pipeline under `bench.<runId>.<name>.` and registers its schemas.
 * Each measurement gets fresh topics so no measurement reads another's records or offsets.
 */
export async function createBenchLayout(
  context: BenchContext,
  name: string,
  options: Pick<TopicLayoutOptions, 'retryDelaysMs'> = {},
): Promise<BenchLayout> {
  const prefix = `bench.${context.runId}.${name}.`;
  const layout = topicLayout({ ...options, prefix, partitions: BENCH_PARTITIONS });
  const admin = context.kafka.admin();
  await admin.connect();

  try {
    await provisionTopics(admin, layout.specs);
  } finally {
    await admin.disconnect();
  }
  await registerSchemas(context.stack.endpoints.schemaRegistryUrl, layout);

  const remove = async () => {
    const cleaner = context.kafka.admin();
    await cleaner.connect();
    try {
      await cleaner.deleteTopics({ topics: layout.specs.map((spec) => spec.name) });
    } finally {
      await cleaner.disconnect();
    }
  };
  return { prefix, layout, remove };
}

/** The DSR_RETRY_DELAYS_MS value services need to read the layout's retry tiers. */
export function retryDelaysEnv(layout: TopicLayout): string {
  return layout.retryTiers.map((tier) => tier.delayMs).join(',');
}
