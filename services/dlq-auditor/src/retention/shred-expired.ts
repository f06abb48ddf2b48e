import type { Pool } from 'pg';

/** What one retention run destroyed. */
export interface RetentionOutcome {
  /** Records whose data key was destroyed in this run, by chain position. */
  shreddedPositions: string[];
}

/** Keys destroyed per transaction, so one run never holds locks for long. */
const KEYS_PER_ROUND = 500;

/**
 * Destroys the data key of every record past the retention period (crypto-shredding). The work
 * happens in the database, in auditor.shred_expired_data_keys: it deletes only keys the policy
 * says are expired (a trigger refuses any other deletion) and appends a shred_event for each in
 * the same transaction. The sealed bytes and the non-personal columns stay, so the record is
 * still counted and the chain still verifies; its personal part can no longer be opened.
 */
export async function shredExpired(pool: Pool): Promise<RetentionOutcome> {
  const shreddedPositions: string[] = [];

  for (;;) {
    const { rows } = await pool.query<{ record_position: string | null }>(
      'SELECT record_position FROM auditor.shred_expired_data_keys($1)',
      [KEYS_PER_ROUND],
    );
    for (const row of rows)
      if (row.record_position !== null) shreddedPositions.push(row.record_position);
    if (rows.length < KEYS_PER_ROUND) return { shreddedPositions };
  }
}
