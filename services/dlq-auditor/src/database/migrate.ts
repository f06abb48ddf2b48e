import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientBase } from 'pg';
import { DsrError } from '@dsr/shared';

/** Where the SQL migrations ship: next to dist/, in the package's migrations folder. */
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

// Two replicas starting at once must not both apply a migration; the lock id is arbitrary, fixed.
const MIGRATION_LOCK_ID = 7_301_001;

const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

/** One migration file: its name orders it, its checksum pins its content once applied. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The migration files of a folder, in the order they apply (by name). */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => NAME.test(file))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the migrations not yet applied, each in its own transaction together with its row in
 * auditor.schema_migration, under an advisory lock. A migration already applied whose file has
 * since changed stops the service: the database no longer matches what the code expects.
 * Returns the names applied now. Must run as the schema owner, never as the service role.
 */
export async function runMigrations(
  client: ClientBase,
  dir: string = MIGRATIONS_DIR,
): Promise<string[]> {
  const migrations = readMigrations(dir);
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);

  try {
    await client.query('CREATE SCHEMA IF NOT EXISTS auditor');
    await client.query(`CREATE TABLE IF NOT EXISTS auditor.schema_migration (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'SELECT name, checksum FROM auditor.schema_migration',
    );
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));

    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum === undefined) {
        await applyOne(client, migration);
        appliedNow.push(migration.name);
      } else if (checksum !== migration.checksum) {
        throw new DsrError(
          'MIGRATION_FAILED',
          `migration ${migration.name} changed after it was applied`,
          {
            context: { migration: migration.name },
          },
        );
      }
    }
    return appliedNow;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
}

async function applyOne(client: ClientBase, migration: Migration): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('INSERT INTO auditor.schema_migration (name, checksum) VALUES ($1, $2)', [
      migration.name,
      migration.checksum,
    ]);
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new DsrError('MIGRATION_FAILED', `migration ${migration.name} failed`, {
      cause,
      context: { migration: migration.name },
    });
  }
}
