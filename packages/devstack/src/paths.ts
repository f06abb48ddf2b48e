import { homedir } from 'node:os';
import { join } from 'node:path';
import { stackStateDir } from '@dsr/shared';

/** Versions of the components the local stack runs. */
export const KAFKA_VERSION = '4.1.1';
export const APICURIO_VERSION = '3.3.3';

/**
 * Downloads live outside the repository, keyed by version, so every clone on the machine shares
 * them and a second `up` downloads nothing. DSR_STACK_CACHE overrides the place.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return env.DSR_STACK_CACHE ?? join(base, 'dsr-stack');
}

/** Where one run of the stack keeps its data, logs and process ids. */
export interface StatePaths {
  root: string;
  kafkaData: string;
  kafkaConfig: string;
  kafkaLogConfig: string;
  logs: string;
  pids: string;
  endpoints: string;
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const root = stackStateDir(env);
  return {
    root,
    kafkaData: join(root, 'kafka-data'),
    kafkaConfig: join(root, 'kafka-server.properties'),
    kafkaLogConfig: join(root, 'kafka-log4j2.yaml'),
    logs: join(root, 'logs'),
    pids: join(root, 'pids.json'),
    endpoints: join(root, 'endpoints.json'),
  };
}
