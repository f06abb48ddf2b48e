import type { Pool } from 'pg';

/** How a request to the triage API ended, as far as access is concerned. */
export type AccessOutcome = 'allowed' | 'unauthenticated' | 'forbidden' | 'failed';

/** One entry to append to the access log. */
export interface AccessEntry {
  requestId: string;
  principal: string | null;
  role: string | null;
  /** The permission the request needed, e.g. `records:personal`. */
  operation: string;
  outcome: AccessOutcome;
  position?: string | null;
  method: string;
  route: string;
  status?: number | null;
}

/** Appends to auditor.access_log, which the database keeps append-only. */
export async function writeAccess(pool: Pool, entry: AccessEntry): Promise<void> {
  await pool.query(
    `INSERT INTO auditor.access_log
       (request_id, principal, role, operation, outcome, position,
        http_method, http_route, http_status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.requestId,
      entry.principal,
      entry.role,
      entry.operation,
      entry.outcome,
      entry.position ?? null,
      entry.method,
      entry.route,
      entry.status ?? null,
    ],
  );
}

/** One entry as the auditor reads it. */
export interface AccessLogRow {
  id: string;
  occurredAt: string;
  requestId: string;
  principal: string | null;
  role: string | null;
  operation: string;
  outcome: AccessOutcome;
  position: string | null;
  method: string;
  route: string;
  status: number | null;
}

/** The newest entries first, after an optional id (paging backwards). */
export async function readAccessLog(
  pool: Pool,
  options: { beforeId?: string; limit?: number } = {},
): Promise<AccessLogRow[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const { rows } = await pool.query<{
    id: string;
    occurred_at: Date;
    request_id: string;
    principal: string | null;
    role: string | null;
    operation: string;
    outcome: AccessOutcome;
    position: string | null;
    http_method: string;
    http_route: string;
    http_status: number | null;
  }>(
    `SELECT * FROM auditor.access_log WHERE ($1::bigint IS NULL OR id < $1)
     ORDER BY id DESC LIMIT $2`,
    [options.beforeId ?? null, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    requestId: row.request_id,
    principal: row.principal,
    role: row.role,
    operation: row.operation,
    outcome: row.outcome,
    position: row.position,
    method: row.http_method,
    route: row.http_route,
    status: row.http_status,
  }));
}
