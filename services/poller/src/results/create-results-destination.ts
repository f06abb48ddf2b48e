import { ConfigError } from '@dsr/shared';
import type { ResultsConfig } from '../config/poller-config';
import { DirectoryDestination } from './directory-destination';
import { PostgresDestination } from './postgres-destination';
import type { ResultsDestination } from './results-destination';

/** The results destination the configuration names. */
export function createResultsDestination(
  config: ResultsConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResultsDestination {
  if (config.kind === 'directory') return new DirectoryDestination(config.path);

  const url = env[config.connectionEnv];
  if (!url) {
    throw new ConfigError(
      `results.connectionEnv: environment variable ${config.connectionEnv} is not set`,
      {
        context: { option: 'results.connectionEnv' },
      },
    );
  }
  return new PostgresDestination(url, config.table);
}
