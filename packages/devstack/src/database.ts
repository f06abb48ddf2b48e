import { Client } from 'pg';
import { DsrError } from '@dsr/shared';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/dsr';

/**
 * Creates the database named in `url` on its server when it does not exist yet. The server
 * itself is the machine's own PostgreSQL; the stack never starts or stops it.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DsrError('CONFIG_INVALID', `database name "${name}" in DATABASE_URL is not a plain identifier`);
  }

  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } catch (cause) {
    throw new DsrError('STACK_UNAVAILABLE', `PostgreSQL at ${target.host} is not reachable or refused CREATE DATABASE`, {
      cause,
      context: { host: target.host, database: name },
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the database answers a trivial query. */
export async function databaseAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
