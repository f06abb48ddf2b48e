import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DSR_ACTIONS, DsrError, type IntakeTask } from '@dsr/shared';

/** A time given as epoch milliseconds or an ISO 8601 string. */
const instant = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
  z.iso.date().transform((text) => Date.parse(`${text}T00:00:00Z`)),
]);

/**
 * What a person or an upstream file may give for one task: the intake schema's fields, with
 * times as epoch milliseconds or ISO 8601, and `request_id` generated when absent. Only the shape
 * is checked here; whether the task makes sense is the ingest service's decision, and a task it
 * refuses is quarantined with its reasons.
 */
export const taskInputSchema = z.strictObject({
  request_id: z.string().min(1).max(200).optional(),
  subject_email: z.string().min(3).max(320),
  action: z.enum(DSR_ACTIONS as [IntakeTask['action'], ...IntakeTask['action'][]]),
  source_system: z.string().min(1).max(100),
  priority: z.number().int().optional(),
  jurisdiction: z.string().min(1).max(20).nullish(),
  received_at: instant.nullish(),
  deadline: instant.nullish(),
  changes: z.record(z.string(), z.string()).nullish(),
  trace_id: z.string().min(1).max(200).nullish(),
});
export type TaskInput = z.input<typeof taskInputSchema>;

/** Turns checked input into an intake task, filling the request id and receipt time. */
export function toIntakeTask(input: z.output<typeof taskInputSchema>, nowMs: number): IntakeTask {
  return {
    request_id: input.request_id ?? `req-${randomUUID()}`,
    subject_email: input.subject_email,
    action: input.action,
    source_system: input.source_system,
    priority: input.priority ?? 1,
    jurisdiction: input.jurisdiction ?? null,
    received_at: input.received_at ?? nowMs,
    deadline: input.deadline ?? null,
    changes: input.changes ?? null,
    trace_id: input.trace_id ?? null,
  };
}

/**
 * Checks one task's input; the error names each field and the rule it breaks, and where the task
 * came from (`arguments`, or `tasks.ndjson:12`). It never repeats the values, which may be
 * personal data.
 */
export function parseTaskInput(raw: unknown, origin: string, nowMs = Date.now()): IntakeTask {
  const result = taskInputSchema.safeParse(raw);
  if (result.success) return toIntakeTask(result.data, nowMs);

  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(task)';
    return `${path}: ${describeIssue(issue)}`;
  });
  throw new DsrError('VALIDATION_FAILED', `${origin}: ${problems.join('; ')}`, {
    context: { origin, problems: problems.length },
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.join(', ')}`;
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_union') return 'must be epoch milliseconds or an ISO 8601 time';
  return issue.message;
}
