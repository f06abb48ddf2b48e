import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that hold personal data wherever they appear. Log calls are written to carry identifiers
 * only; these paths are the safety net for the day one of them is not.
 */
export const REDACTED_PATHS: readonly string[] = Object.freeze([
  'subject_email',
  'subjectEmail',
  'email',
  'changes',
  'payload',
  'value',
  'data',
  '*.subject_email',
  '*.subjectEmail',
  '*.email',
  '*.changes',
  '*.payload',
  '*.value',
  '*.data',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
]);

export interface LoggerSettings {
  /** The service or process name, bound to every line as `service`. */
  service: string;
  /** pino level; default `info`, or LOG_LEVEL from the environment. */
  level?: string;
  /** Where lines go; default standard output. */
  destination?: DestinationStream;
}

/**
 * Creates the root logger of a process. Components take `logger.child({ component })`.
 *
 * Log fields are snake_case, and a field that names something a record also carries is spelled
 * as the record spells it (`request_id`, `trace_id`, `source_system`, `lane`, `attempt`,
 * `error_code`, `reason_codes`, `breaker_refusal`, `topic`, `partition`, `offset`), so one search
 * by an identifier finds every service's lines. Lines about one task go through
 * `correlatedLogger`, which binds these. Quantities keep their unit (`wait_ms`). The HTTP API's
 * own request id is `http_request_id`: `request_id` always means the data subject request.
 * Fields forwarded from kafkajs's own log entries keep kafkajs's names.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: settings.service, pid: process.pid },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };

  return settings.destination ? pino(options, settings.destination) : pino(options);
}

export type { Logger } from 'pino';
