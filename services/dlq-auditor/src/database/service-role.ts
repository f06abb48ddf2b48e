import type { ClientBase } from 'pg';
import { ConfigError } from '@dsr/shared';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Tables the service appends to and reads. */
const APPEND_TABLES = Object.freeze([
  'audit_record',
  'data_key',
  'record_event',
  'access_log',
  'privacy_ledger',
  'chain_publication',
]);

/** Tables the service only reads. */
const READ_TABLES = Object.freeze(['shred_event', 'policy']);

/** The login role the service works as. */
export interface ServiceRoleOptions {
  /** The login role the service connects as; a plain lower-case identifier. */
  role: string;
  /** Its password, when the server does not trust local connections. */
  password?: string;
}

/**
 * Creates the service's login role when missing and grants it exactly INSERT and SELECT on the
 * record tables (SELECT only on the rest) and EXECUTE on the shredding function: no UPDATE,
 * DELETE or TRUNCATE anywhere. Roles are cluster-wide in PostgreSQL, so creation tolerates a
 * role that already exists (another database of the same cluster, or a concurrent start).
 * Runs as the schema owner after the migrations.
 */
export async function provisionServiceRole(
  client: ClientBase,
  options: ServiceRoleOptions,
): Promise<void> {
  if (!ROLE_NAME.test(options.role)) {
    throw new ConfigError(`database role "${options.role}" must be a plain lower-case identifier`, {
      context: { option: 'DSR_AUDITOR_DB_ROLE' },
    });
  }

  const role = client.escapeIdentifier(options.role);
  await createRoleIfMissing(client, options.role);
  const attributes = 'NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS LOGIN';
  await client.query(`ALTER ROLE ${role} ${attributes}`);
  if (options.password !== undefined) {
    await client.query(`ALTER ROLE ${role} PASSWORD ${client.escapeLiteral(options.password)}`);
  }

  const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
  const database = client.escapeIdentifier(rows[0]!.db);
  const qualified = (tables: readonly string[]) => tables.map((t) => `auditor.${t}`).join(', ');

  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  await client.query(`GRANT USAGE ON SCHEMA auditor TO ${role}`);
  await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA auditor FROM ${role}`);
  await client.query(`GRANT SELECT, INSERT ON ${qualified(APPEND_TABLES)} TO ${role}`);
  await client.query(`GRANT SELECT ON ${qualified(READ_TABLES)} TO ${role}`);
  await client.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA auditor TO ${role}`);
  await client.query(
    `GRANT EXECUTE ON FUNCTION auditor.shred_expired_data_keys(integer) TO ${role}`,
  );
}

async function createRoleIfMissing(client: ClientBase, name: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  if (rowCount !== 0) return;

  try {
    await client.query(`CREATE ROLE ${client.escapeIdentifier(name)} LOGIN`);
  } catch (error) {
    // 42710 duplicate_object: created meanwhile by a concurrent start; what we wanted.
    if ((error as { code?: string }).code !== '42710') throw error;
  }
}

/**
 * Sets how long personal data is kept. Owner-only: the service role can read the policy but not
 * shorten it, and the database refuses to destroy a data key before its record is this old.
 */
export async function setRetentionPolicy(client: ClientBase, retentionMs: number): Promise<void> {
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 0) {
    throw new ConfigError('retention must be a non-negative whole number of milliseconds', {
      context: { option: 'DSR_AUDITOR_RETENTION_DAYS' },
    });
  }
  await client.query('UPDATE auditor.policy SET retention_ms = $1', [retentionMs]);
}

/** The service role's connection URL: the owner's URL with the role's user name and password. */
export function serviceDatabaseUrl(ownerUrl: string, options: ServiceRoleOptions): string {
  const url = new URL(ownerUrl);
  url.username = options.role;
  url.password = options.password ?? '';
  return url.toString();
}
