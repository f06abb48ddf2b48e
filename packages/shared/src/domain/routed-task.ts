import type { Coordinates } from './coordinates';
import type { DsrAction } from './intake-task';

/** A priority lane: a topic the poller reads with its own share of execution slots. */
export type Lane = 'high' | 'standard';

/** Durable state of an asynchronous job at a source system (epoch milliseconds). */
export interface PollState {
  job_id: string;
  submitted_at: number;
  polls: number;
  next_poll_at: number;
}

/**
 * A validated task (schemas/routed-task.avsc), on the validated topic, both lanes and every retry
 * tier. Timestamps are epoch milliseconds. `subject_email` and `changes` are personal data;
 * `subject_key` is the only subject identifier that may appear in keys, headers and logs.
 */
export interface RoutedTask {
  request_id: string;
  subject_email: string;
  action: DsrAction;
  source_system: string;
  /** 1..10 after clamping. */
  priority: number;
  jurisdiction: string;
  received_at: number;
  deadline: number;
  deadline_derived: boolean;
  deadline_passed: boolean;
  changes: Record<string, string> | null;
  trace_id: string;
  subject_key: string;
  validated_at: number;
  lane: Lane | null;
  routed_at: number | null;
  /** Attempts spent against the source system. */
  attempt: number;
  first_failure_at: number | null;
  last_error_code: string | null;
  last_error_category: string | null;
  origin: Coordinates | null;
  poll: PollState | null;
  not_before: number | null;
  /** Breaker or rate-limit deferrals; they do not spend attempts. */
  deferrals: number;
  /** Operator replays from the dead-letter store; 0 for a task that was never replayed. */
  replays: number;
}
