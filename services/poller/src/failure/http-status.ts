import type { ErrorCode } from '@dsr/shared';

/** How a connector reads statuses whose meaning depends on the source. */
export interface StatusReading {
  /** Whether 404 means the subject or job does not exist (permanent) rather than a glitch. */
  notFoundIsPermanent: boolean;
}

const BY_STATUS: Readonly<Record<number, ErrorCode>> = Object.freeze({
  400: 'SOURCE_REJECTED',
  401: 'SOURCE_UNAUTHORIZED',
  403: 'SOURCE_FORBIDDEN',
  408: 'SOURCE_TIMEOUT',
  422: 'SOURCE_REJECTED',
  429: 'SOURCE_RATE_LIMITED',
  502: 'SOURCE_UNAVAILABLE',
  503: 'SOURCE_UNAVAILABLE',
  504: 'SOURCE_TIMEOUT',
});

/** The error code for an HTTP status that is not a success. */
export function codeForHttpStatus(status: number, reading: StatusReading): ErrorCode {
  const known = BY_STATUS[status];
  if (known) return known;

  if (status === 404)
    return reading.notFoundIsPermanent ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNKNOWN_FAILURE';
  if (status >= 500) return 'SOURCE_UNAVAILABLE';
  if (status >= 400) return 'SOURCE_REJECTED';
  return 'SOURCE_UNKNOWN_FAILURE';
}

/**
 * Milliseconds a Retry-After header asks for: either delay-seconds or an HTTP date. Undefined
 * when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;

  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;

  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
