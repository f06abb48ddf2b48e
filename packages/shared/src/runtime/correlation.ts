import { randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '../logging/logger';

/**
 * The Kafka header that carries a task's trace id from hop to hop, so a log search for one trace
 * id finds every service's lines about the task. It carries the id only, never personal data.
 */
export const TRACE_ID_HEADER = 'dsr-trace-id';

/** Identifiers that tie log lines to one task. All optional; absent ones are left out. */
export interface CorrelationIds {
  trace_id?: string | null;
  request_id?: string | null;
  lane?: string | null;
  source_system?: string | null;
  attempt?: number | null;
  topic?: string;
  partition?: number;
  offset?: string;
}

const CORRELATION_KEYS = Object.freeze([
  'trace_id',
  'request_id',
  'lane',
  'source_system',
  'attempt',
  'topic',
  'partition',
  'offset',
] as const satisfies readonly (keyof CorrelationIds)[]);

/** A new trace id for a task that arrived without one. */
export function newTraceId(): string {
  return randomUUID();
}

/**
 * A child logger bound to a task's identifiers. Every line a service writes about one task goes
 * through such a child, so the lines share `trace_id` and `request_id` fields. Only the
 * identifiers listed in `CorrelationIds` are bound, so a whole task cannot be passed by mistake.
 */
export function correlatedLogger(logger: Logger, ids: CorrelationIds): Logger {
  const bindings: Record<string, string | number> = {};
  for (const key of CORRELATION_KEYS) {
    const value = ids[key];
    if (value !== undefined && value !== null) bindings[key] = value;
  }
  return logger.child(bindings);
}

/** The trace id a Kafka record carries in its headers, if any. */
export function traceIdFromHeaders(headers: IHeaders | undefined): string | undefined {
  const raw = headers?.[TRACE_ID_HEADER];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return undefined;

  const text = typeof first === 'string' ? first : first.toString('utf8');
  return text.length > 0 ? text : undefined;
}

/** Headers to put on a produced record so the next hop can continue the trace. */
export function traceHeaders(traceId: string): IHeaders {
  return { [TRACE_ID_HEADER]: traceId };
}
