import { Pool } from 'pg';
import {
  digestOf,
  type ResultKey,
  type ResultsDestination,
  type StoredResult,
} from './results-destination';

/**
 * Stores each export as a row keyed by request id and source system. A repeated store replaces
 * the row, so a task executed twice leaves one export.
 */
export class PostgresDestination implements ResultsDestination {
  readonly #pool: Pool;
  readonly #table: string;
  #closing: Promise<void> | undefined;

  /** @param table a validated `name` or `schema.name` */
  constructor(connectionString: string, table: string) {
    this.#pool = new Pool({ connectionString, max: 2 });
    // An idle client that loses its connection emits here; the next store reports the problem.
    this.#pool.on('error', () => undefined);
    this.#table = table
      .split('.')
      .map((part) => `"${part}"`)
      .join('.');
  }

  async open(): Promise<void> {
    await this.#pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (
         request_id text NOT NULL,
         source_system text NOT NULL,
         content bytea NOT NULL,
         digest text NOT NULL,
         bytes integer NOT NULL,
         stored_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (request_id, source_system))`,
    );
  }

  async store(key: ResultKey, content: Buffer): Promise<StoredResult> {
    const digest = digestOf(content);
    await this.#pool.query(
      `INSERT INTO ${this.#table} (request_id, source_system, content, digest, bytes)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_id, source_system)
       DO UPDATE SET content = EXCLUDED.content, digest = EXCLUDED.digest,
                     bytes = EXCLUDED.bytes, stored_at = now()`,
      [key.requestId, key.sourceSystem, content, digest, content.length],
    );
    return { digest, bytes: content.length };
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }
}
