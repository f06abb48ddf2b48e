import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DsrError } from '../errors';
import { parseConfig } from './load-config';

/** Where the infrastructure the pipeline talks to lives. */
export interface Endpoints {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
}

const endpointsSchema = z.object({
  kafkaBrokers: z.array(z.string().min(1)).min(1),
  schemaRegistryUrl: z.url(),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
});

/** The repository root, found from this file's place in the compiled shared package. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** The folder where the local stack keeps its state, logs and endpoints file. */
export function stackStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DSR_STACK_DIR ?? join(REPO_ROOT, '.stack');
}

/** The file the local stack writes when it is up, and every other command reads. */
export function endpointsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stackStateDir(env), 'endpoints.json');
}

/**
 * Endpoints from the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DATABASE_URL) where all
 * three are set, otherwise from the local stack's endpoints file, with any variable that is set
 * taking precedence over the file.
 */
export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  const fromEnv = {
    kafkaBrokers: env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    databaseUrl: env.DATABASE_URL,
  };
  const complete = fromEnv.kafkaBrokers && fromEnv.schemaRegistryUrl && fromEnv.databaseUrl;
  const file = endpointsFile(env);

  if (!complete && !existsSync(file)) {
    throw new DsrError(
      'STACK_UNAVAILABLE',
      `no endpoints: set KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DATABASE_URL, ` +
        `or start the local stack with "npm run stack -- up" (expected ${file})`,
      { context: { file } },
    );
  }

  const fromFile = complete ? {} : (JSON.parse(readFileSync(file, 'utf8')) as Partial<Endpoints>);
  const merged = {
    kafkaBrokers: fromEnv.kafkaBrokers ?? fromFile.kafkaBrokers,
    schemaRegistryUrl: fromEnv.schemaRegistryUrl ?? fromFile.schemaRegistryUrl,
    databaseUrl: fromEnv.databaseUrl ?? fromFile.databaseUrl,
  };
  return parseConfig(endpointsSchema, merged, complete ? 'environment' : file);
}
