import type { Pool } from 'pg';
import { CHAINED_COLUMNS } from './record-hash';
import { ChainVerifier, type ChainVerdict, type StoredChainRow } from './chain-verifier';

/** Rows read per round trip while verifying. */
const PAGE_ROWS = 500;

const SELECT_PAGE = `SELECT ${CHAINED_COLUMNS.join(', ')}, prev_hash, hash
  FROM auditor.audit_record WHERE position > $1 ORDER BY position LIMIT ${PAGE_ROWS}`;

/**
 * Recomputes the whole chain from the database, in position order, page by page, and reports
 * the first position where it breaks. Reads only; needs SELECT on auditor.audit_record.
 */
export async function verifyChain(pool: Pool, signal?: AbortSignal): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = '0';

  for (;;) {
    signal?.throwIfAborted();
    const { rows } = await pool.query<StoredChainRow>(SELECT_PAGE, [after]);
    for (const row of rows) {
      if (!verifier.accept(row)) return verifier.verdict();
    }
    if (rows.length < PAGE_ROWS) return verifier.verdict();
    after = String(rows[rows.length - 1]!.position);
  }
}

/** The newest link of the chain, or null while it is empty. */
export async function chainHead(pool: Pool): Promise<{ position: string; hash: string } | null> {
  const { rows } = await pool.query<{ position: string; hash: Buffer }>(
    'SELECT position, hash FROM auditor.audit_record ORDER BY position DESC LIMIT 1',
  );
  const head = rows[0];
  return head ? { position: head.position, hash: head.hash.toString('hex') } : null;
}
