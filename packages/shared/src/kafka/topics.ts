import { ConfigError } from '../errors';

/** Logical names of the pipeline's topics; the physical name is configuration. */
export type TopicKey =
  | 'intake'
  | 'validated'
  | 'tasksHigh'
  | 'tasksStandard'
  | 'dlq'
  | 'quarantine'
  | 'alerts'
  | 'audit';

/** How one topic is created. */
export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Broker `retention.ms`; -1 keeps records forever. */
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
}

/** A retry tier: records wait on its topic until `delayMs` after they were put there. */
export interface RetryTier {
  name: string;
  delayMs: number;
  topic: string;
}

export interface TopicLayout {
  topics: Readonly<Record<TopicKey, string>>;
  retryTiers: readonly RetryTier[];
  specs: readonly TopicSpec[];
}

export interface TopicLayoutOptions {
  /** Prepended to every default name, e.g. `t42.` for an isolated test run; default none. */
  prefix?: string;
  /** Physical names per logical topic; they win over prefix + default name. */
  names?: Partial<Record<TopicKey, string>>;
  /** Retry tier delays in milliseconds, strictly ascending; default 10 s, 1 min, 10 min. */
  retryDelaysMs?: readonly number[];
  /** Partitions of every topic unless overridden per topic; default 6. */
  partitions?: number;
  partitionsByTopic?: Partial<Record<TopicKey, number>>;
  /** Replication factor of every topic; default 1 (the single-node local stack). */
  replicationFactor?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The declarative list every topic comes from. Retention follows the topic's role: working
 * topics keep a week, the records a person may need to inspect (dead letters, quarantine, alerts)
 * keep a quarter, and the audit trail is never deleted by the broker.
 */
const TOPIC_DEFAULTS: Readonly<Record<TopicKey, { name: string; retentionMs: number }>> =
  Object.freeze({
    intake: { name: 'dsr.intake', retentionMs: 7 * DAY_MS },
    validated: { name: 'dsr.validated', retentionMs: 7 * DAY_MS },
    tasksHigh: { name: 'dsr.tasks.high', retentionMs: 7 * DAY_MS },
    tasksStandard: { name: 'dsr.tasks.standard', retentionMs: 7 * DAY_MS },
    dlq: { name: 'dsr.dlq', retentionMs: 90 * DAY_MS },
    quarantine: { name: 'dsr.quarantine', retentionMs: 90 * DAY_MS },
    alerts: { name: 'dsr.alerts', retentionMs: 90 * DAY_MS },
    audit: { name: 'dsr.audit', retentionMs: -1 },
  });

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([10_000, 60_000, 600_000]);

/** A tier's name from its delay: `10s`, `1m`, `10m`, `1h`. */
export function tierName(delayMs: number): string {
  if (delayMs % 3_600_000 === 0) return `${delayMs / 3_600_000}h`;
  if (delayMs % 60_000 === 0) return `${delayMs / 60_000}m`;
  if (delayMs % 1000 === 0) return `${delayMs / 1000}s`;
  return `${delayMs}ms`;
}

/** Builds the physical topic names and specs from options; validates the tier ladder. */
export function topicLayout(options: TopicLayoutOptions = {}): TopicLayout {
  const prefix = options.prefix ?? '';
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const replicationFactor = options.replicationFactor ?? 1;

  if (delays.length === 0 || delays.some((d, i) => d <= 0 || (i > 0 && d <= delays[i - 1]!))) {
    throw new ConfigError(
      `retryDelaysMs must be positive and strictly ascending, got [${delays.join(', ')}]`,
      { context: { option: 'retryDelaysMs' } },
    );
  }

  const keys = Object.keys(TOPIC_DEFAULTS) as TopicKey[];
  const topics = Object.fromEntries(
    keys.map((key) => [key, options.names?.[key] ?? `${prefix}${TOPIC_DEFAULTS[key].name}`]),
  ) as Record<TopicKey, string>;
  const retryTiers = delays.map((delayMs) => {
    const name = tierName(delayMs);
    return { name, delayMs, topic: `${prefix}dsr.retry.${name}` };
  });

  const partitionsOf = (key?: TopicKey) =>
    (key && options.partitionsByTopic?.[key]) ?? options.partitions ?? 6;
  const specs: TopicSpec[] = [
    ...keys.map((key) => ({
      name: topics[key],
      partitions: partitionsOf(key),
      replicationFactor,
      retentionMs: TOPIC_DEFAULTS[key].retentionMs,
      cleanupPolicy: 'delete' as const,
    })),
    ...retryTiers.map((tier) => ({
      name: tier.topic,
      partitions: partitionsOf(),
      replicationFactor,
      retentionMs: 7 * DAY_MS,
      cleanupPolicy: 'delete' as const,
    })),
  ];

  return { topics: Object.freeze(topics), retryTiers: Object.freeze(retryTiers), specs };
}
