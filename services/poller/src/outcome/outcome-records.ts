import { createHash } from 'node:crypto';
import type {
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
}

function stableId(requestId: string, stage: string, position: RecordPosition): string {
  const { topic, partition, offset } = position;
  const hex = createHash('sha256')
    .update([requestId, stage, topic, partition, offset].join('\u0000'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
