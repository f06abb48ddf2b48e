import type { AuditEvent } from '@dsr/shared';

/** Stages after which nothing more happens to a task. */
export const TERMINAL_STAGES: ReadonlySet<string> = new Set([
  'succeeded',
  'dead_lettered',
  'quarantined',
]);

/** Whether an audit event ends its task's journey. */
export function isTerminal(event: AuditEvent): boolean {
  return TERMINAL_STAGES.has(event.stage);
}

/** One audit event as a line of `dsr follow`: time, service, stage and the identifiers. */
export function formatAuditEvent(event: AuditEvent): string {
  const parts = [
    new Date(event.occurred_at).toISOString(),
    event.service.padEnd(11),
    event.stage.padEnd(15),
  ];
  const fields: [string, string | number | null][] = [
    ['lane', event.lane],
    ['source', event.source_system],
    ['attempt', event.attempt],
    ['reason', event.reason_code],
    ['detail', event.detail],
  ];
  for (const [name, value] of fields) {
    if (value !== null && value !== undefined && value !== '') parts.push(`${name}=${value}`);
  }
  return parts.join('  ');
}
