import { ConfigError } from '../errors';
import { envInt } from '../config/load-config';
import { topicLayout, type TopicLayout } from './topics';

/**
 * The topic layout every process of one deployment shares, from its environment:
 * DSR_TOPIC_PREFIX (default none), DSR_RETRY_DELAYS_MS (comma-separated, ascending; default
 * 10000,60000,600000), DSR_TOPIC_PARTITIONS (default 6) and DSR_REPLICATION_FACTOR (default 1).
 */
export function topicLayoutFromEnv(env: NodeJS.ProcessEnv = process.env): TopicLayout {
  const rawDelays = env.DSR_RETRY_DELAYS_MS;
  const retryDelaysMs = rawDelays ? rawDelays.split(',').map((part) => Number(part.trim())) : undefined;
  if (retryDelaysMs?.some((d) => !Number.isInteger(d))) {
    throw new ConfigError(`DSR_RETRY_DELAYS_MS must be integers separated by commas, got "${rawDelays}"`, {
      context: { option: 'DSR_RETRY_DELAYS_MS' },
    });
  }

  return topicLayout({
    prefix: env.DSR_TOPIC_PREFIX ?? '',
    retryDelaysMs,
    partitions: envInt(env, 'DSR_TOPIC_PARTITIONS', 6),
    replicationFactor: envInt(env, 'DSR_REPLICATION_FACTOR', 1),
  });
}
