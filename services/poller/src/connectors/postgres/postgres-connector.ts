import type { RoutedTask } from '@dsr/shared';
import { Pool, type PoolClient } from 'pg';
import type { PostgresConnectorConfig, TableConfig } from '../../config/connector-config';
import { SourceError } from '../../failure/source-error';
import type { ConnectorResult, SourceConnector } from '../source-connector';
import {
  erasureStatement,
  rectifyStatement,
  selectStatement,
  type Statement,
} from './table-statements';

/** One relational source: its name, validated settings and the environment for its URL. */
export interface PostgresConnectorOptions {
  sourceSystem: string;
  config: PostgresConnectorConfig;
  env?: NodeJS.ProcessEnv;
}

/**
 * A relational source system. Each action runs in one transaction over every configured table:
 * an access export is a consistent snapshot, and a deletion or rectification is all or nothing.
 * Every value is a bound parameter; identifiers come from validated configuration.
 */
export class PostgresConnector implements SourceConnector {
  readonly pollBackoff = undefined;
  readonly #sourceSystem: string;
  readonly #tables: readonly TableConfig[];
  readonly #pool: Pool;
  #closing: Promise<void> | undefined;

  constructor(options: PostgresConnectorOptions) {
    const { config } = options;
    const env = options.env ?? process.env;
    this.#sourceSystem = options.sourceSystem;
    this.#tables = config.tables;
    this.#pool = new Pool({
      connectionString: config.connectionString ?? env[config.connectionEnv!],
      max: config.pool.max,
      idleTimeoutMillis: config.pool.idleTimeoutMs,
      connectionTimeoutMillis: config.pool.connectionTimeoutMs,
      statement_timeout: config.pool.statementTimeoutMs,
    });
    // An idle client that loses its connection emits here; the next query reports the problem.
    this.#pool.on('error', () => undefined);
  }

  async execute(task: RoutedTask, signal: AbortSignal): Promise<ConnectorResult> {
    signal.throwIfAborted();

    if (task.action === 'access') return this.#access(task);
    if (task.action === 'deletion') return this.#write(task, (t, s) => erasureStatement(t, s));
    return this.#rectify(task);
  }

  poll(): Promise<ConnectorResult> {
    return Promise.reject(
      new SourceError('INTERNAL', `source ${this.#sourceSystem} has no jobs to poll`),
    );
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  async #access(task: RoutedTask): Promise<ConnectorResult> {
    const tables: Record<string, unknown[]> = {};
    await this.#transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
      for (const table of this.#tables) {
        const { text, values } = selectStatement(table, subjectOf(task, table));
        tables[table.table] = (await client.query(text, values)).rows;
      }
    });
    const exported = Buffer.from(JSON.stringify({ source_system: this.#sourceSystem, tables }));
    return { kind: 'completed', exported };
  }

  async #rectify(task: RoutedTask): Promise<ConnectorResult> {
    const changes = task.changes ?? {};
    const allowed = new Set(this.#tables.flatMap((t) => t.rectifiable));
    const refused = Object.keys(changes).filter((column) => !allowed.has(column));
    if (refused.length > 0 || Object.keys(changes).length === 0) {
      throw new SourceError(
        'SOURCE_REJECTED',
        `source ${this.#sourceSystem} cannot rectify [${refused.join(', ')}]`,
        {
          context: { sourceSystem: this.#sourceSystem, columns: refused.join(',') },
        },
      );
    }
    return this.#write(task, (table, subject) => rectifyStatement(table, subject, changes));
  }

  async #write(
    task: RoutedTask,
    statementFor: (table: TableConfig, subject: string) => Statement | undefined,
  ): Promise<ConnectorResult> {
    let rows = 0;
    await this.#transaction('BEGIN', async (client) => {
      for (const table of this.#tables) {
        const statement = statementFor(table, subjectOf(task, table));
        if (statement) rows += (await client.query(statement.text, statement.values)).rowCount ?? 0;
      }
    });
    return { kind: 'completed', detail: `rows=${rows}` };
  }

  async #transaction(begin: string, work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#pool.connect();
    let broken: unknown;
    try {
      await client.query(begin);
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      broken = error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A client whose transaction failed may be in an unknown state; the pool replaces it.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

function subjectOf(task: RoutedTask, table: TableConfig): string {
  return table.subjectValue === 'subject_key' ? task.subject_key : task.subject_email;
}
