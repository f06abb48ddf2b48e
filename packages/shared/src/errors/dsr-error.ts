import { categoryOf, type ErrorCategory, type ErrorCode } from './error-codes';

/**
 * Identifiers that help an operator find what failed: request ids, topics, partitions, offsets,
 * source systems, option paths. Never personal data and never payloads.
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | undefined>>;

export interface DsrErrorOptions {
  cause?: unknown;
  context?: ErrorContext;
}

/**
 * The one error type the pipeline throws on purpose. Its category, and so whether it may be
 * retried, follows from its code.
 */
export class DsrError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: DsrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.category = categoryOf(code);
    this.context = options.context ?? {};
  }

  /** Whether repeating the operation later may succeed. */
  get retriable(): boolean {
    return this.category === 'transient';
  }

  /** A log- and record-safe view: code, category, message and identifiers, no stack. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      category: this.category,
      message: this.message,
      context: this.context,
    };
  }
}

/** Whether a value is one of ours (rather than something a library threw). */
export function isDsrError(value: unknown): value is DsrError {
  return value instanceof DsrError;
}

/** Settings that cannot work; the process must not start. */
export class ConfigError extends DsrError {
  constructor(message: string, options: DsrErrorOptions = {}) {
    super('CONFIG_INVALID', message, options);
  }
}
