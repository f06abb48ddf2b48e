import { isDsrError, type ErrorCategory, type ErrorCode } from '@dsr/shared';
import { SourceError } from './source-error';

/** What an attempt's failure means for the task, decided from the error alone. */
export interface Failure {
  code: ErrorCode;
  /** transient failures are retried; every other category ends the task in the dead-letter queue. */
  category: ErrorCategory;
  /** True when a circuit breaker refused the call: the source was not even asked. */
  breakerRefusal: boolean;
  /** The source's own request to wait, in milliseconds, when it made one. */
  retryAfterMs: number | undefined;
  message: string;
}

/** Socket and DNS errors that say the network, not the request, failed. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * PostgreSQL SQLSTATE classes that a later try may get past: connection exceptions, serialization
 * failures and deadlocks, resource shortages, operator intervention (restarts).
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

/**
 * Classifies an attempt's failure. Our own errors carry their code; library and system errors
 * are mapped by their codes; anything unrecognised is transient, so it is retried within the
 * same attempt cap rather than dead-lettered on a guess.
 */
export function classifyFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const failure = (code: ErrorCode, category: ErrorCategory, breakerRefusal = false): Failure => ({
    code,
    category,
    breakerRefusal,
    retryAfterMs: error instanceof SourceError ? error.retryAfterMs : undefined,
    message,
  });

  if (isDsrError(error)) return failure(error.code, error.category, error.code === 'BREAKER_OPEN');

  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
  if (code === 'EOPENBREAKER') return failure('BREAKER_OPEN', 'transient', true);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return failure('SOURCE_TIMEOUT', 'transient');
  if (code !== undefined && NETWORK_CODES.has(code)) return failure('SOURCE_NETWORK', 'transient');
  if (code !== undefined && isDatabaseError(error)) return classifySqlState(code, failure);
  if (isAbort(error)) return failure('SOURCE_TIMEOUT', 'transient');

  return failure('SOURCE_UNKNOWN_FAILURE', 'transient');
}

function classifySqlState(
  sqlState: string,
  failure: (code: ErrorCode, category: ErrorCategory) => Failure,
): Failure {
  if (sqlState === '57014') return failure('SOURCE_TIMEOUT', 'transient');
  if (TRANSIENT_SQLSTATE.test(sqlState)) return failure('SOURCE_UNAVAILABLE', 'transient');
  if (sqlState.startsWith('28')) return failure('SOURCE_UNAUTHORIZED', 'permanent');
  if (sqlState === '42501') return failure('SOURCE_FORBIDDEN', 'permanent');
  return failure('SOURCE_REJECTED', 'permanent');
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** PostgreSQL's own errors carry a severity and a five-character SQLSTATE code. */
function isDatabaseError(error: unknown): boolean {
  const { severity, code } = (error ?? {}) as { severity?: unknown; code?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && code.length === 5;
}

/** An aborted call: its time budget ran out (TimeoutError) or it was cancelled (AbortError). */
function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}
