import { join } from 'node:path';
import type { StatePaths } from './paths';
import { startDetached } from './processes';

/** The Confluent-compatible API of Apicurio Registry 3, relative to its base URL. */
export const CCOMPAT_PATH = '/apis/ccompat/v7';

/**
 * Starts Apicurio Registry on loopback with its default storage, an in-memory database. In-memory is enough for the
 * local stack: every `up` provisions the schemas again, and registration is idempotent.
 */
export function startRegistry(
  java: string,
  app: string,
  paths: StatePaths,
  ports: { registryPort: number; registryManagementPort: number },
): number {
  // Quarkus serves health and metrics on a separate management listener, by default on every
  // interface at port 9000; it is moved to loopback and a port of our choosing.
  const args = [
    '-Xms128m',
    '-Xmx512m',
    `-Dquarkus.http.port=${ports.registryPort}`,
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.management.port=${ports.registryManagementPort}`,
    '-Dquarkus.management.host=127.0.0.1',
    '-Dquarkus.log.console.json=false',
    '-jar',
    join(app, 'quarkus-run.jar'),
  ];
  return startDetached(java, args, join(paths.logs, 'registry.log'), app);
}

/** Whether the registry's Confluent-compatible API answers. */
export async function registryAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
