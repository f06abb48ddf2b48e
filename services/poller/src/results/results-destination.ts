import { createHash } from 'node:crypto';

/** Which task's export a result is. */
export interface ResultKey {
  requestId: string;
  sourceSystem: string;
}

/** Where an export was stored and how to verify it; this, not the data, goes into the audit. */
export interface StoredResult {
  /** sha256 of the stored bytes, lowercase hex. */
  digest: string;
  bytes: number;
}

/**
 * Where access exports go. Storing the same key again replaces the earlier export, so a task
 * that runs twice (after a crash) leaves one export, never two.
 */
export interface ResultsDestination {
  /** Prepares the destination (creates a folder or table); safe to call again. */
  open(): Promise<void>;
  store(key: ResultKey, content: Buffer): Promise<StoredResult>;
  close(): Promise<void>;
}

/** sha256 hex of the content. */
export function digestOf(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
