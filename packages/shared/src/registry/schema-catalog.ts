import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/endpoints';
import type { TopicKey, TopicLayout } from '../kafka/topics';

/** Where the Avro schemas live; SCHEMAS_DIR overrides it for a deployed image. */
export function schemasDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SCHEMAS_DIR ?? join(REPO_ROOT, 'schemas');
}

/** The schema file each topic's values are written with. */
export const TOPIC_SCHEMAS: Readonly<Record<TopicKey, string>> = Object.freeze({
  intake: 'intake-task.avsc',
  validated: 'routed-task.avsc',
  tasksHigh: 'routed-task.avsc',
  tasksStandard: 'routed-task.avsc',
  dlq: 'dead-letter-record.avsc',
  quarantine: 'quarantine-record.avsc',
  alerts: 'alert.avsc',
  audit: 'audit-event.avsc',
});

/** The schema file of every retry tier topic: a task waiting there is a routed task. */
export const RETRY_TIER_SCHEMA = 'routed-task.avsc';

/** Reads one schema file as text. */
export function readSchema(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return readFileSync(join(schemasDir(env), file), 'utf8');
}

/** The Confluent TopicNameStrategy subject for a topic's values. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The schema file a physical topic of the layout is written with, or undefined if it has none. */
export function schemaFileForTopic(layout: TopicLayout, topic: string): string | undefined {
  const key = (Object.keys(layout.topics) as TopicKey[]).find((k) => layout.topics[k] === topic);
  if (key !== undefined) return TOPIC_SCHEMAS[key];

  return layout.retryTiers.some((tier) => tier.topic === topic) ? RETRY_TIER_SCHEMA : undefined;
}

/** Every (subject, schema file) pair a topic layout needs registered, retry tiers included. */
export function subjectsFor(layout: TopicLayout): { subject: string; file: string }[] {
  const fixed = (Object.keys(TOPIC_SCHEMAS) as TopicKey[]).map((key) => ({
    subject: valueSubject(layout.topics[key]),
    file: TOPIC_SCHEMAS[key],
  }));
  const tiers = layout.retryTiers.map((tier) => ({
    subject: valueSubject(tier.topic),
    file: RETRY_TIER_SCHEMA,
  }));
  return [...fixed, ...tiers];
}
