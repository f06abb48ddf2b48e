import { GENESIS_HASH, recordHash, type ChainedFields } from './record-hash';

/** A stored row as verification sees it: its chained columns plus the two hashes. */
export type StoredChainRow = ChainedFields & { readonly prev_hash: Buffer; readonly hash: Buffer };

/** Why the chain breaks at a position. */
export type ChainBreakReason = 'position_gap' | 'previous_hash_mismatch' | 'content_hash_mismatch';

/** Where and why the chain first fails to hold. */
export interface ChainBreak {
  /** The first position at which the chain does not hold. */
  position: string;
  reason: ChainBreakReason;
}

/** The outcome of a verification. */
export interface ChainVerdict {
  intact: boolean;
  /** Records checked (up to and including the break, if any). */
  checked: number;
  /** The last position that verified, and its hash (hex); null when nothing verified. */
  head: { position: string; hash: string } | null;
  firstBreak: ChainBreak | null;
}

/**
 * Recomputes the chain incrementally from rows given in position order. Feed rows with
 * `accept`; it returns false once a break is found, after which further rows are ignored.
 */
export class ChainVerifier {
  private expectedPosition = 1n;
  private previous: Buffer = GENESIS_HASH;
  private checked = 0;
  private head: ChainVerdict['head'] = null;
  private firstBreak: ChainBreak | null = null;

  /** Checks one row; returns whether the chain still holds. */
  accept(row: StoredChainRow): boolean {
    if (this.firstBreak) return false;

    this.checked += 1;
    const position = String(row.position);
    const reason = this.reasonToReject(row, position);
    if (reason) {
      this.firstBreak = { position, reason };
      return false;
    }

    this.previous = row.hash;
    this.expectedPosition += 1n;
    this.head = { position, hash: row.hash.toString('hex') };
    return true;
  }

  /** The verdict over the rows seen so far. */
  verdict(): ChainVerdict {
    return {
      intact: this.firstBreak === null,
      checked: this.checked,
      head: this.head,
      firstBreak: this.firstBreak,
    };
  }

  private reasonToReject(row: StoredChainRow, position: string): ChainBreakReason | null {
    if (BigInt(position) !== this.expectedPosition) return 'position_gap';
    if (!row.prev_hash.equals(this.previous)) return 'previous_hash_mismatch';
    if (!recordHash(row.prev_hash, row).equals(row.hash)) return 'content_hash_mismatch';
    return null;
  }
}
