import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import {
  MIGRATIONS_DIR,
  provisionServiceRole,
  readMigrations,
  runMigrations,
} from '@dsr/dlq-auditor';
import { isolatedDatabase, uniqueName } from '../support/environment';
import { dropRole, queryAs } from '../support/dlq-auditor';

/** Runs with a connection closed before the test's own cleanup drops the database. */
async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('dlq-auditor: migrations and the service role', () => {
  it('applies each migration once and records it with its checksum', async (t) => {
    const url = await isolatedDatabase(t);
    const [first, second, rows] = await withClient(url, async (client) => [
      await runMigrations(client),
      await runMigrations(client),
      (
        await client.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM auditor.schema_migration ORDER BY name',
        )
      ).rows,
    ]);

    assert.deepEqual(
      first,
      readMigrations().map((m) => m.name),
    );
    assert.deepEqual(second, []);
    assert.deepEqual(
      rows,
      readMigrations().map(({ name, checksum }) => ({ name, checksum })),
    );
  });

  it('stops when an applied migration was edited afterwards', async (t) => {
    const url = await isolatedDatabase(t);
    const dir = mkdtempSync(join(tmpdir(), 'dlq-migrations-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    await withClient(url, (client) => runMigrations(client, dir));

    appendFileSync(join(dir, '0001_record_store.sql'), '\n-- edited\n');

    await assert.rejects(
      withClient(url, (client) => runMigrations(client, dir)),
      {
        code: 'MIGRATION_FAILED',
        category: 'configuration',
        message: 'migration 0001_record_store.sql changed after it was applied',
      },
    );
  });

  it('provisions the service role idempotently, with INSERT and SELECT only', async (t) => {
    const url = await isolatedDatabase(t);
    const role = uniqueName('dsr_aud_mig').replace(/-/g, '_').toLowerCase();
    t.after(() => dropRole(url, role));

    await withClient(url, async (client) => {
      await runMigrations(client);
      await provisionServiceRole(client, { role });
      await provisionServiceRole(client, { role });
    });

    const privileges = await queryAs<{ table_name: string; privilege_type: string }>(
      url,
      `SELECT table_name, privilege_type FROM information_schema.role_table_grants
       WHERE grantee = $1 ORDER BY table_name, privilege_type`,
      [role],
    );
    const kinds = new Set(privileges.map((p) => p.privilege_type));
    assert.deepEqual([...kinds].sort(), ['INSERT', 'SELECT']);
    assert.deepEqual(
      privileges.filter((p) => p.privilege_type === 'INSERT').map((p) => p.table_name),
      [
        'access_log',
        'audit_record',
        'chain_publication',
        'data_key',
        'privacy_ledger',
        'record_event',
      ],
    );
    const [attributes] = await queryAs<{ rolsuper: boolean; rolcreaterole: boolean }>(
      url,
      'SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = $1',
      [role],
    );
    assert.deepEqual(attributes, { rolsuper: false, rolcreaterole: false });
  });
});
