import type { SourceConfig } from '../config/poller-config';
import { HttpConnector } from './http/http-connector';
import { PostgresConnector } from './postgres/postgres-connector';
import type { SourceConnector } from './source-connector';

/** The connector a source system's configuration asks for. */
export function createConnector(
  sourceSystem: string,
  source: SourceConfig,
  globalCap: number,
): SourceConnector {
  const connector = source.connector;
  if (connector.kind === 'postgres')
    return new PostgresConnector({ sourceSystem, config: connector });

  return new HttpConnector({
    sourceSystem,
    config: connector,
    connections: source.maxConcurrency ?? globalCap,
  });
}
