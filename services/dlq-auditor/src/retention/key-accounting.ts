import type { Pool } from 'pg';

/** Whether every destroyed data key was destroyed by retention. */
export interface KeyAccounting {
  /** Records whose data key was destroyed by the retention job (with a shred_event). */
  shredded: number;
  /**
   * Positions (at most 100, lowest first) whose data key is gone without a shred_event: someone
   * removed it outside the retention job, which the database's own rules forbid.
   */
  unaccounted: string[];
}

/**
 * Accounts for every record's data key: present, or destroyed with a shred_event. A key missing
 * without one means the trigger that guards data keys was bypassed.
 */
export async function accountForKeys(pool: Pool): Promise<KeyAccounting> {
  const { rows } = await pool.query<{ shredded: number; unaccounted: string[] | null }>(
    `SELECT count(s.id)::int AS shredded,
            (array_agg(a.position ORDER BY a.position) FILTER (WHERE s.id IS NULL))[1:100]::text[]
              AS unaccounted
     FROM auditor.audit_record a
     LEFT JOIN auditor.data_key k ON k.id = a.data_key_id
     LEFT JOIN auditor.shred_event s ON s.data_key_id = a.data_key_id
     WHERE k.id IS NULL`,
  );
  const row = rows[0];
  return { shredded: row?.shredded ?? 0, unaccounted: row?.unaccounted ?? [] };
}
