/** What a data subject asked for: GDPR Art. 15, 17 and 16 (and their CCPA equivalents). */
export type DsrAction = 'access' | 'deletion' | 'rectification';

/** Every action, in schema order. */
export const DSR_ACTIONS: readonly DsrAction[] = Object.freeze([
  'access',
  'deletion',
  'rectification',
]);

/**
 * A task as an upstream system writes it to the intake topic (schemas/intake-task.avsc).
 * Timestamps are epoch milliseconds. `subject_email` and `changes` are personal data.
 */
export interface IntakeTask {
  request_id: string;
  subject_email: string;
  action: DsrAction;
  source_system: string;
  priority: number;
  jurisdiction: string | null;
  received_at: number | null;
  deadline: number | null;
  changes: Record<string, string> | null;
  trace_id: string | null;
}
