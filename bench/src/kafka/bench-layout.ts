import {
  provisionTopics,
  registerSchemas,
  topicLayout,
  type TopicLayout,
  type TopicLayoutOptions,
} from '@dsr/shared';
import { setTimeout as delay } from 'node:timers/promises';
import type { BenchContext } from '../bench-context';
import { describeError } from '../report/error-message';

/** The topics of one measurement, under a prefix of their own. */
export interface BenchLayout {
  prefix: string;
  layout: TopicLayout;
  /**
   * Deletes the topics, so a run leaves no backlog behind on the shared broker; BENCH_KEEP_TOPICS=1
   * keeps them for inspection. A failure is reported, never thrown.
   */
  remove(): Promise<void>;
}

/** Partitions per topic: the services' default, so the bench measures what is deployed. */
export const BENCH_PARTITIONS = 6;

const PROVISION_ATTEMPTS = 3;

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
  await provisionWithRetries(context, layout);
  await registerSchemas(context.stack.endpoints.schemaRegistryUrl, layout);

  const remove = async () => {
    if (process.env.BENCH_KEEP_TOPICS === '1') return;

    const cleaner = context.kafka.admin();
    try {
      await cleaner.connect();
      await cleaner.deleteTopics({ topics: layout.specs.map((spec) => spec.name) });
    } catch (error) {
      // A measurement's result must not be lost to its clean-up; the topics are only left over.
      context.progress(`deleting the topics under ${prefix} failed: ${describeError(error)}`);
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

/**
 * Creates the topics, trying again a few times: while the broker is still deleting the previous
 * measurement's topics, it may time out a creation that succeeds a moment later.
 */
async function provisionWithRetries(context: BenchContext, layout: TopicLayout): Promise<void> {
  const admin = context.kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await provisionTopics(admin, layout.specs);
        return;
      } catch (error) {
        if (attempt >= PROVISION_ATTEMPTS) throw error;
        context.progress(`creating topics failed (${describeError(error)}); trying again`);
        await delay(2_000);
      }
    }
  } finally {
    await admin.disconnect();
  }
}
