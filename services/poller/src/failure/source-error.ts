import { DsrError, type DsrErrorOptions, type ErrorCode } from '@dsr/shared';

/** Extra facts a source's answer carried about the failure. */
export interface SourceErrorOptions extends DsrErrorOptions {
  /** How long the source asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

/** A source system answered with, or failed with, something other than success. */
export class SourceError extends DsrError {
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: SourceErrorOptions = {}) {
    super(code, message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}
