import {
  normaliseEmail,
  subjectKey,
  type Coordinates,
  type ErrorCode,
  type IntakeTask,
  type RoutedTask,
} from '@dsr/shared';
import type { DeadlineRule } from '../config/ingest-config';
import { deadlineFor } from './deadline-policy';
import { isValidEmail } from './email-syntax';

/** Longest request id or trace id accepted, characters. */
export const MAX_ID_LENGTH = 128;
/** Most fields one rectification may change. */
export const MAX_CHANGES = 100;
/** Longest field name of a rectification, characters. */
export const MAX_CHANGE_FIELD_LENGTH = 128;
/** Longest corrected value of a rectification, characters. */
export const MAX_CHANGE_VALUE_LENGTH = 4_096;
/** The lowest priority; lower values are clamped to it, not refused. */
export const PRIORITY_MIN = 1;
/** The highest priority; higher values are clamped to it, not refused. */
export const PRIORITY_MAX = 10;

// Printable ASCII without spaces: ids travel in keys, headers and log fields.
const ID_PATTERN = /^[\x21-\x7e]+$/;
const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** What the configuration says a valid task is. */
export interface ValidationRules {
  sourceSystems: ReadonlySet<string>;
  /** Deadline rules by upper-case jurisdiction. */
  jurisdictions: Readonly<Record<string, DeadlineRule>>;
  defaultJurisdiction: string;
  /** How far in the future received_at may lie, milliseconds. */
  clockSkewMs: number;
}

/** Facts about the record being validated that are not in the task. */
export interface ValidationContext {
  nowMs: number;
  /** The intake record's timestamp: the receipt time when the task gives none. */
  recordTimestampMs: number;
  subjectKeySecret: string;
  /** A trace id the record carried in its headers. */
  headerTraceId?: string;
  origin: Coordinates;
  newTraceId: () => string;
}

/** One broken rule: its code and a description naming fields, never values. */
export interface Violation {
  code: ErrorCode;
  detail: string;
}

/** The routed task, or every rule the intake task broke. */
export type ValidationOutcome =
  { ok: true; task: RoutedTask } | { ok: false; violations: Violation[] };

type Check = (
  task: IntakeTask,
  rules: ValidationRules,
  ctx: ValidationContext,
) => Violation | undefined;

const CHECKS: readonly Check[] = Object.freeze([
  checkRequestId,
  checkEmail,
  checkSourceSystem,
  checkChanges,
  checkJurisdiction,
  checkReceivedAt,
  checkDeadline,
  checkTraceId,
]);

/**
 * Checks a decoded intake task against every rule and, when none is broken, builds the routed
 * task: email trimmed, priority clamped, jurisdiction and deadline resolved, subject key and
 * trace id set. All broken rules are reported, not just the first.
 */
export function validateTask(
  task: IntakeTask,
  rules: ValidationRules,
  ctx: ValidationContext,
): ValidationOutcome {
  const violations = CHECKS.map((check) => check(task, rules, ctx)).filter(
    (v): v is Violation => v !== undefined,
  );
  if (violations.length > 0) return { ok: false, violations };

  return { ok: true, task: buildRoutedTask(task, rules, ctx) };
}

/** Clamps a priority into 1..10. */
export function clampPriority(priority: number): number {
  return Math.min(PRIORITY_MAX, Math.max(PRIORITY_MIN, Math.trunc(priority)));
}

function buildRoutedTask(
  task: IntakeTask,
  rules: ValidationRules,
  ctx: ValidationContext,
): RoutedTask {
  const jurisdiction = resolvedJurisdiction(task, rules);
  const receivedAt = task.received_at ?? ctx.recordTimestampMs;
  const deadline = task.deadline ?? deadlineFor(rules.jurisdictions[jurisdiction]!, receivedAt);
  const hasChanges = task.changes !== null && Object.keys(task.changes).length > 0;

  return {
    request_id: task.request_id,
    subject_email: task.subject_email.trim(),
    action: task.action,
    source_system: task.source_system,
    priority: clampPriority(task.priority),
    jurisdiction,
    received_at: receivedAt,
    deadline,
    deadline_derived: task.deadline === null,
    deadline_passed: deadline <= ctx.nowMs,
    changes: hasChanges ? { ...task.changes } : null,
    trace_id: task.trace_id ?? ctx.headerTraceId ?? ctx.newTraceId(),
    subject_key: subjectKey(task.subject_email, ctx.subjectKeySecret),
    validated_at: ctx.nowMs,
    lane: null,
    routed_at: null,
    attempt: 0,
    first_failure_at: null,
    last_error_code: null,
    last_error_category: null,
    origin: { ...ctx.origin },
    poll: null,
    not_before: null,
    deferrals: 0,
    replays: 0,
  };
}

function resolvedJurisdiction(task: IntakeTask, rules: ValidationRules): string {
  return (task.jurisdiction ?? rules.defaultJurisdiction).trim().toUpperCase();
}

function checkId(value: string, field: string, code: ErrorCode): Violation | undefined {
  if (value.length === 0) return { code, detail: `${field} is empty` };
  if (value.length > MAX_ID_LENGTH) {
    return { code, detail: `${field} is ${value.length} characters, above ${MAX_ID_LENGTH}` };
  }
  if (!ID_PATTERN.test(value)) {
    return { code, detail: `${field} has characters outside printable ASCII or whitespace` };
  }
  return undefined;
}

function checkRequestId(task: IntakeTask): Violation | undefined {
  return checkId(task.request_id, 'request_id', 'VALIDATION_REQUEST_ID_INVALID');
}

function checkTraceId(task: IntakeTask): Violation | undefined {
  if (task.trace_id === null) return undefined;

  return checkId(task.trace_id, 'trace_id', 'VALIDATION_TRACE_ID_INVALID');
}

function checkEmail(task: IntakeTask): Violation | undefined {
  if (isValidEmail(normaliseEmail(task.subject_email))) return undefined;

  return { code: 'VALIDATION_EMAIL_INVALID', detail: 'subject_email is not a valid email address' };
}

function checkSourceSystem(task: IntakeTask, rules: ValidationRules): Violation | undefined {
  if (rules.sourceSystems.has(task.source_system)) return undefined;

  const malformed = checkId(
    task.source_system,
    'source_system',
    'VALIDATION_SOURCE_SYSTEM_UNKNOWN',
  );
  return {
    code: 'VALIDATION_SOURCE_SYSTEM_UNKNOWN',
    // A source system name is configuration, not personal data, but only a well-formed one is
    // echoed: anything else may be a payload pasted into the wrong field.
    detail: malformed
      ? 'source_system is not a configured source system'
      : `source_system "${task.source_system}" is not a configured source system`,
  };
}

function checkChanges(task: IntakeTask): Violation | undefined {
  const entries = Object.entries(task.changes ?? {});
  if (task.action !== 'rectification') {
    return entries.length === 0
      ? undefined
      : {
          code: 'VALIDATION_CHANGES_UNEXPECTED',
          detail: `changes are only allowed on rectification, not ${task.action}`,
        };
  }

  if (entries.length === 0) {
    return {
      code: 'VALIDATION_CHANGES_MISSING',
      detail: 'a rectification needs at least one entry in changes',
    };
  }
  if (entries.length > MAX_CHANGES) {
    return {
      code: 'VALIDATION_CHANGES_INVALID',
      detail: `changes has ${entries.length} entries, above ${MAX_CHANGES}`,
    };
  }
  const badName = entries.findIndex(
    ([name]) => name.length > MAX_CHANGE_FIELD_LENGTH || !FIELD_NAME_PATTERN.test(name),
  );
  if (badName >= 0) {
    return {
      code: 'VALIDATION_CHANGES_INVALID',
      detail: `changes entry ${badName + 1} has an invalid field name`,
    };
  }
  const longValue = entries.findIndex(([, value]) => value.length > MAX_CHANGE_VALUE_LENGTH);
  if (longValue >= 0) {
    return {
      code: 'VALIDATION_CHANGES_INVALID',
      detail: `changes entry ${longValue + 1} has a value above ${MAX_CHANGE_VALUE_LENGTH} chars`,
    };
  }
  return undefined;
}

// A jurisdiction matters only when the deadline must be derived from it; a task that brings its
// own deadline may name a regime the table does not know.
function checkJurisdiction(task: IntakeTask, rules: ValidationRules): Violation | undefined {
  const jurisdiction = resolvedJurisdiction(task, rules);
  if (task.deadline !== null || jurisdiction in rules.jurisdictions) return undefined;

  const known = Object.keys(rules.jurisdictions).join(', ');
  return {
    code: 'VALIDATION_JURISDICTION_UNKNOWN',
    detail: `jurisdiction is not one of the configured jurisdictions (${known})`,
  };
}

function checkReceivedAt(
  task: IntakeTask,
  rules: ValidationRules,
  ctx: ValidationContext,
): Violation | undefined {
  if (task.received_at === null) return undefined;

  if (task.received_at <= 0) {
    return {
      code: 'VALIDATION_RECEIVED_AT_INVALID',
      detail: 'received_at is not after 1970-01-01',
    };
  }
  if (task.received_at > ctx.nowMs + rules.clockSkewMs) {
    return {
      code: 'VALIDATION_RECEIVED_AT_INVALID',
      detail: `received_at lies more than ${rules.clockSkewMs} ms in the future`,
    };
  }
  return undefined;
}

function checkDeadline(
  task: IntakeTask,
  _rules: ValidationRules,
  ctx: ValidationContext,
): Violation | undefined {
  if (task.deadline === null) return undefined;

  const receivedAt = task.received_at ?? ctx.recordTimestampMs;
  if (task.deadline <= 0) {
    return { code: 'VALIDATION_DEADLINE_INVALID', detail: 'deadline is not after 1970-01-01' };
  }
  if (task.deadline < receivedAt) {
    return { code: 'VALIDATION_DEADLINE_INVALID', detail: 'deadline lies before received_at' };
  }
  return undefined;
}
