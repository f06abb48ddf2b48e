import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/endpoints';
import type { TopicKey, TopicLayout } from '../kafka/topics';

/** Where the Avro schemas live; SCHEMAS_DIR overrides it for a deployed image. */
export function schemasDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SCHEMAS_DIR ?? join(REPO_ROOT, 'schemas');
}

/** The schema file each topic's values are written with. */
export const TOPIC_SCHEMAS: Readonly<Partial<Record<TopicKey, string>>> = Object.freeze({
  intake: 'intake-task.avsc',
});

/** Reads one schema file as text. */
export function readSchema(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return readFileSync(join(schemasDir(env), file), 'utf8');
}

/** The Confluent TopicNameStrategy subject for a topic's values. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** Every (subject, schema file) pair a topic layout needs registered. */
export function subjectsFor(layout: TopicLayout): { subject: string; file: string }[] {
  return (Object.keys(TOPIC_SCHEMAS) as TopicKey[]).map((key) => ({
    subject: valueSubject(layout.topics[key]),
    file: TOPIC_SCHEMAS[key]!,
  }));
}
