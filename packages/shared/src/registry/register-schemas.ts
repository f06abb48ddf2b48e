import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { DsrError } from '../errors';
import type { TopicLayout } from '../kafka/topics';
import { readSchema, subjectsFor } from './schema-catalog';

export interface RegisteredSchema {
  subject: string;
  id: number;
}

/**
 * Registers every schema of the layout under its subject and pins the subject to BACKWARD
 * compatibility, so a consumer on the newest schema can always read what older producers wrote.
 * Registering an identical schema again returns its existing id, which makes this idempotent.
 */
export async function registerSchemas(registryUrl: string, layout: TopicLayout): Promise<RegisteredSchema[]> {
  const registry = new SchemaRegistry({ host: registryUrl });
  const registered: RegisteredSchema[] = [];

  for (const { subject, file } of subjectsFor(layout)) {
    try {
      await setCompatibility(registryUrl, subject, 'BACKWARD');
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: readSchema(file) },
        { subject },
      );
      registered.push({ subject, id });
    } catch (cause) {
      throw new DsrError('SCHEMA_REGISTRATION_FAILED', `could not register ${file} as ${subject}`, {
        cause,
        context: { subject, file },
      });
    }
  }
  return registered;
}

/** Sets a subject's compatibility level through the Confluent-compatible config endpoint. */
export async function setCompatibility(registryUrl: string, subject: string, level: string): Promise<void> {
  const url = `${registryUrl.replace(/\/$/, '')}/config/${encodeURIComponent(subject)}`;
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
  });

  if (!response.ok) {
    throw new Error(`PUT ${url} answered ${response.status}: ${await response.text()}`);
  }
}
