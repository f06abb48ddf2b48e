import type { DsrAction, WorkOrder } from '../source/job-store';

const ACTIONS: ReadonlySet<string> = new Set<DsrAction>(['access', 'deletion', 'rectification']);
const MAX_ID_LENGTH = 256;

/** A submit body that could be read, or the reason it could not. */
export type ParsedOrder = { ok: true; order: WorkOrder } | { ok: false; reason: string };

/**
 * Reads the body of a submit: `{ request_id, action, subject, changes? }`. Hand-written rather
 * than schema-driven because it runs on every submit of a benchmark and must stay cheap.
 */
export function parseWorkOrder(body: unknown): ParsedOrder {
  if (typeof body !== 'object' || body === null) return fail('the body must be a JSON object');

  const fields = body as Record<string, unknown>;
  const requestId = fields.request_id;
  if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > MAX_ID_LENGTH) {
    return fail('request_id must be a non-empty string of at most 256 characters');
  }
  const action = fields.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) {
    return fail('action must be one of access, deletion, rectification');
  }
  const subject = fields.subject;
  if (typeof subject !== 'string' || subject.length === 0) {
    return fail('subject must be a non-empty string');
  }

  const changes = readChanges(fields.changes);
  if (changes === null) return fail('changes must be an object of string values');
  if (action === 'rectification' && (changes === undefined || Object.keys(changes).length === 0)) {
    return fail('a rectification needs at least one change');
  }

  const order: WorkOrder = { requestId, action: action as DsrAction, subject };
  if (changes !== undefined) order.changes = changes;
  return { ok: true, order };
}

/** Reads an idempotency key header; `undefined` when absent or unusable. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  return header.length > 0 && header.length <= MAX_ID_LENGTH ? header : undefined;
}

function readChanges(value: unknown): Record<string, string> | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return null;

  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, change]) => typeof change !== 'string')) return null;
  return Object.fromEntries(entries) as Record<string, string>;
}

function fail(reason: string): ParsedOrder {
  return { ok: false, reason };
}
