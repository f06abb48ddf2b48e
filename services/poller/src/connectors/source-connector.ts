import type { RoutedTask } from '@dsr/shared';
import type { BackoffOptions } from '../retry/backoff';

/** What one call to a source system produced. */
export type ConnectorResult =
  /** The action is done; an access task carries its export. */
  | { kind: 'completed'; exported?: Buffer; detail?: string }
  /** The source accepted the action as a job that must be polled. */
  | { kind: 'submitted'; jobId: string }
  /** A polled job is not finished yet. */
  | { kind: 'running' };

/**
 * One kind of source system. A connector turns a task into calls to the source and the source's
 * answers into a {@link ConnectorResult}; a failure is thrown as an error that
 * `classifyFailure` can read. Connectors hold no per-task state: an async job's progress lives
 * in the task record, so any poller process can continue it.
 */
export interface SourceConnector {
  /** How long to wait between polls of this source's jobs; absent for synchronous sources. */
  readonly pollBackoff: BackoffOptions | undefined;
  /** Carries out the task's action, or submits it as a job. */
  execute(task: RoutedTask, signal: AbortSignal): Promise<ConnectorResult>;
  /** Asks about a submitted job; returns `completed` or `running`, or throws its failure. */
  poll(task: RoutedTask, jobId: string, signal: AbortSignal): Promise<ConnectorResult>;
  /** Releases connections; waits for calls in progress. Idempotent. */
  close(): Promise<void>;
}
