import { randomUUID } from 'node:crypto';
import type { IntakeTask, RoutedTask } from '@dsr/shared';

/** The one source system every bench task goes to; the simulator plays it. */
export const BENCH_SOURCE = 'bench-crm';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A task as an upstream system typically writes it: UUID ids, an ordinary address, a
 * jurisdiction, its receipt time, no explicit deadline. Its encoded size is the record size the
 * broker's ceiling is measured with.
 */
export function representativeIntakeTask(now = Date.now()): IntakeTask {
  return {
    request_id: randomUUID(),
    subject_email: 'jane.doe.1984@example.com',
    action: 'access',
    source_system: BENCH_SOURCE,
    priority: 1,
    jurisdiction: 'GDPR',
    received_at: now,
    deadline: null,
    changes: null,
    trace_id: randomUUID(),
  };
}

/** What a bench task is for: it decides the action and priority, and so the lane. */
export type TaskKind = 'standard' | 'high';

/**
 * An intake task the router sends to the lane of its kind: a priority-10 deletion for `high`,
 * a priority-1 access request with a month to go for `standard`.
 */
export function intakeTask(requestId: string, kind: TaskKind, now = Date.now()): IntakeTask {
  return {
    request_id: requestId,
    subject_email: `subject-${requestId}@example.com`,
    action: kind === 'high' ? 'deletion' : 'access',
    source_system: BENCH_SOURCE,
    priority: kind === 'high' ? 10 : 1,
    jurisdiction: 'GDPR',
    received_at: now,
    deadline: null,
    changes: null,
    trace_id: requestId,
  };
}

/**
 * A task as the router would have written it to a lane, for measurements of the poller alone
 * (a backlog already routed). `subjectKey` stands in for the keyed hash of the address.
 */
export function routedTask(requestId: string, kind: TaskKind, now = Date.now()): RoutedTask {
  const intake = intakeTask(requestId, kind, now);
  return {
    ...intake,
    jurisdiction: 'GDPR',
    received_at: now,
    deadline: now + 30 * DAY_MS,
    deadline_derived: true,
    deadline_passed: false,
    trace_id: requestId,
    subject_key: subjectKeyStandIn(requestId),
    validated_at: now,
    lane: kind,
    routed_at: now,
    attempt: 0,
    first_failure_at: null,
    last_error_code: null,
    last_error_category: null,
    origin: null,
    poll: null,
    not_before: null,
    deferrals: 0,
    replays: 0,
  };
}

/** 64 hex characters, like an HMAC-SHA256 digest, distinct per request id. */
function subjectKeyStandIn(requestId: string): string {
  return Buffer.from(requestId).toString('hex').padEnd(64, '0').slice(0, 64);
}
