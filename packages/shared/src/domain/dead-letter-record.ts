import type { Coordinates } from './coordinates';
import type { DsrAction } from './intake-task';
import type { Lane, RoutedTask } from './routed-task';

/**
 * A task that failed for good (schemas/dead-letter-record.avsc). `task` and `error_message` may
 * hold personal data; the dlq-auditor stores them encrypted.
 */
export interface DeadLetterRecord {
  dead_letter_id: string;
  dead_lettered_at: number;
  request_id: string;
  subject_key: string;
  task: RoutedTask;
  action: DsrAction;
  source_system: string;
  lane: Lane;
  error_code: string;
  error_category: string;
  error_message: string;
  attempts: number;
  first_failure_at: number | null;
  /** True when the last failure was a circuit breaker's refusal, not the source's own answer. */
  breaker_refusal: boolean;
  origin: Coordinates | null;
}
