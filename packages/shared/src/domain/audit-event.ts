import { randomUUID } from 'node:crypto';
import type { Coordinates } from './coordinates';

/** The documented transitions a task goes through; the schema keeps the field an open string. */
export type AuditStage =
  | 'received'
  | 'quarantined'
  | 'duplicate'
  | 'validated'
  | 'routed'
  | 'held'
  | 'released'
  | 'attempt_started'
  | 'job_submitted'
  | 'job_polled'
  | 'succeeded'
  | 'retry_scheduled'
  | 'deferred'
  | 'dead_lettered'
  | 'replayed'
  | 'chain_head';

/** One transition of one task (schemas/audit-event.avsc). Identifiers only, no personal data. */
export interface AuditEvent {
  event_id: string;
  occurred_at: number;
  service: string;
  stage: AuditStage | (string & {});
  request_id: string | null;
  subject_key: string | null;
  trace_id: string | null;
  lane: string | null;
  source_system: string | null;
  action: string | null;
  attempt: number | null;
  reason_code: string | null;
  detail: string | null;
  result_digest: string | null;
  result_bytes: number | null;
  coordinates: Coordinates | null;
}

/** The fields an audit event needs; every other field defaults to null. */
export type AuditEventInput = Pick<AuditEvent, 'service' | 'stage'> &
  Partial<Omit<AuditEvent, 'service' | 'stage'>>;

/** A complete audit event with a fresh id and, unless given, the current time. */
export function createAuditEvent(input: AuditEventInput): AuditEvent {
  return {
    event_id: randomUUID(),
    occurred_at: Date.now(),
    request_id: null,
    subject_key: null,
    trace_id: null,
    lane: null,
    source_system: null,
    action: null,
    attempt: null,
    reason_code: null,
    detail: null,
    result_digest: null,
    result_bytes: null,
    coordinates: null,
    ...input,
  };
}
