import { createHash } from 'node:crypto';
import type {
  Alert,
  AlertSeverity,
  AuditEvent,
  AuditStage,
  DeadLetterRecord,
  RoutedTask,
  TopicLayout,
} from '@dsr/shared';
import type { Failure } from '../failure/classify-failure';
import type { OutboundRecord, RecordPosition } from './outbound-record';
import { retryHeaders } from './retry-headers';

/** The service name audit events carry. */
export const SERVICE_NAME = 'poller';

/** Facts an audit event may add to the task's identifiers. */
export interface AuditFacts {
  attempt?: number;
  reasonCode?: string;
  detail?: string;
  resultDigest?: string;
  resultBytes?: number;
}

/**
 * Builds the records of task outcomes. Ids are derived from the request, the stage and the
 * consumed record the step came from, not drawn at random: a record executed a second time
 * (which only an unfenced rebalance can cause) yields the same ids, so downstream readers can
 * recognise the repeat, while a new record of the same request (the next hop, an operator's
 * replay) yields new ones.
 */
export class OutcomeRecords {
  readonly #layout: TopicLayout;

  constructor(layout: TopicLayout) {
    this.#layout = layout;
  }

  audit(
    task: RoutedTask,
    stage: AuditStage,
    position: RecordPosition,
    nowMs: number,
    facts: AuditFacts = {},
  ): OutboundRecord {
    const event: AuditEvent = {
      event_id: stableId(task.request_id, stage, position),
      occurred_at: nowMs,
      service: SERVICE_NAME,
      stage,
      request_id: task.request_id,
      subject_key: task.subject_key,
      trace_id: task.trace_id,
      lane: task.lane,
      source_system: task.source_system,
      action: task.action,
      attempt: facts.attempt ?? task.attempt,
      reason_code: facts.reasonCode ?? null,
      detail: facts.detail ?? null,
      result_digest: facts.resultDigest ?? null,
      result_bytes: facts.resultBytes ?? null,
      coordinates: {
        topic: position.topic,
        partition: position.partition,
        offset: String(position.offset),
      },
    };
    return { topic: this.#layout.topics.audit, key: task.request_id, value: event };
  }

  /** The task on a retry or delay tier topic. */
  hop(task: RoutedTask, topic: string, original: RecordPosition): OutboundRecord {
    return { topic, key: task.request_id, value: task, headers: retryHeaders(task, original) };
  }

  deadLetter(
    task: RoutedTask,
    failure: Failure,
    attempts: number,
    position: RecordPosition,
    nowMs: number,
  ): OutboundRecord {
    const record: DeadLetterRecord = {
      dead_letter_id: stableId(task.request_id, 'dead_letter', position),
      dead_lettered_at: nowMs,
      request_id: task.request_id,
      subject_key: task.subject_key,
      task,
      action: task.action,
      source_system: task.source_system,
      lane: task.lane ?? 'standard',
      error_code: failure.code,
      error_category: failure.category,
      error_message: failure.message,
      attempts,
      first_failure_at: task.first_failure_at,
      breaker_refusal: failure.breakerRefusal,
      origin: task.origin,
    };
    return { topic: this.#layout.topics.dlq, key: task.request_id, value: record };
  }

  /**
   * The alert that tells an operator a dead letter needs a person. It goes into the same
   * transaction as the dead letter, and its id is derived like the dead letter's, so a repeated
   * execution repeats the alert's id rather than raising a second, different alert. The summary
   * names only the action, the source system and codes: the failure's message may quote the
   * source and is left to the encrypted dead-letter record.
   */
  deadLetterAlert(
    task: RoutedTask,
    failure: Failure,
    reasonCode: string,
    position: RecordPosition,
    nowMs: number,
  ): OutboundRecord {
    const refused = failure.breakerRefusal ? ', refused by the open breaker' : '';
    const because = reasonCode === failure.code ? '' : ` (${reasonCode})`;
    const alert: Alert = {
      alert_id: stableId(task.request_id, 'alert:dead_letter', position),
      occurred_at: nowMs,
      service: SERVICE_NAME,
      severity: deadLetterSeverity(task, reasonCode, nowMs),
      kind: 'dead_letter',
      reason_code: failure.code,
      summary:
        `${task.action} task for source system ${task.source_system} dead-lettered after ` +
        `${task.attempt} attempt(s): ${failure.code}${because}${refused}`,
      request_id: task.request_id,
      coordinates: {
        topic: position.topic,
        partition: position.partition,
        offset: String(position.offset),
      },
    };
    return { topic: this.#layout.topics.alerts, key: task.request_id, value: alert };
  }
}

/**
 * Critical when an erasure is stuck (personal data stays where the subject asked it gone) or the
 * legal deadline can no longer be met without a person: it has passed, or the task was given up
 * because no further try could land before it. Every other dead letter is a warning.
 */
export function deadLetterSeverity(
  task: RoutedTask,
  reasonCode: string,
  nowMs: number,
): AlertSeverity {
  const deadlineLost =
    task.deadline_passed || nowMs >= task.deadline || reasonCode === 'DEADLINE_EXCEEDED';
  return task.action === 'deletion' || deadlineLost ? 'critical' : 'warning';
}

function stableId(requestId: string, stage: string, position: RecordPosition): string {
  const { topic, partition, offset } = position;
  const hex = createHash('sha256')
    .update([requestId, stage, topic, partition, offset].join('\u0000'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
