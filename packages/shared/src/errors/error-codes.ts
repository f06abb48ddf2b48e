/**
 * How a failure should be handled, decided from the error alone.
 *
 * - `transient`: the same operation may succeed later; it is retried within the task's budget.
 * - `permanent`: repeating it cannot help; the task goes to the dead-letter queue at once.
 * - `invalid_input`: the input itself is wrong; it is quarantined, never retried.
 * - `configuration`: the process was started with settings that cannot work; it must not start.
 * - `internal`: a defect in this code base; never retried, always surfaced.
 */
export type ErrorCategory = 'transient' | 'permanent' | 'invalid_input' | 'configuration' | 'internal';

/**
 * The closed list of error codes and the category each one belongs to. A code is added here,
 * never invented at a throw site, so that dashboards, dead-letter records and alerts can rely on
 * the set being finite.
 */
export const ERROR_CODES = {
  // configuration and start-up
  CONFIG_INVALID: 'configuration',
  STACK_UNAVAILABLE: 'configuration',
  TOPIC_PROVISIONING_FAILED: 'configuration',
  SCHEMA_REGISTRATION_FAILED: 'configuration',

  // decoding of Kafka records (Confluent wire format + Avro)
  DECODE_EMPTY_VALUE: 'invalid_input',
  DECODE_BAD_MAGIC_BYTE: 'invalid_input',
  DECODE_TRUNCATED: 'invalid_input',
  DECODE_UNKNOWN_SCHEMA_ID: 'invalid_input',
  DECODE_SCHEMA_MISMATCH: 'invalid_input',
  DECODE_MALFORMED_AVRO: 'invalid_input',
  DECODE_RECORD_TOO_LARGE: 'invalid_input',
  REGISTRY_UNREACHABLE: 'transient',
  SCHEMA_NOT_REGISTERED: 'configuration',
  ENCODE_INVALID_VALUE: 'internal',

  // the pipeline's own PostgreSQL state (duplicate detection, ordering holds)
  DATABASE_UNAVAILABLE: 'transient',

  // meaning of a decoded task (one code per rule, so a quarantine record says which rule broke)
  VALIDATION_FAILED: 'invalid_input',
  VALIDATION_REQUEST_ID_INVALID: 'invalid_input',
  VALIDATION_EMAIL_INVALID: 'invalid_input',
  VALIDATION_SOURCE_SYSTEM_UNKNOWN: 'invalid_input',
  VALIDATION_CHANGES_MISSING: 'invalid_input',
  VALIDATION_CHANGES_INVALID: 'invalid_input',
  VALIDATION_CHANGES_UNEXPECTED: 'invalid_input',
  VALIDATION_JURISDICTION_UNKNOWN: 'invalid_input',
  VALIDATION_RECEIVED_AT_INVALID: 'invalid_input',
  VALIDATION_DEADLINE_INVALID: 'invalid_input',
  VALIDATION_TRACE_ID_INVALID: 'invalid_input',
  REQUEST_ID_CONFLICT: 'invalid_input',
  DUPLICATE_REQUEST_ID: 'invalid_input',

  // execution against a source system
  SOURCE_UNAVAILABLE: 'transient',
  SOURCE_RATE_LIMITED: 'transient',
  SOURCE_TIMEOUT: 'transient',
  SOURCE_NETWORK: 'transient',
  SOURCE_UNKNOWN_FAILURE: 'transient',
  SOURCE_JOB_PENDING: 'transient',
  BREAKER_OPEN: 'transient',
  SOURCE_REJECTED: 'permanent',
  SOURCE_UNAUTHORIZED: 'permanent',
  SOURCE_FORBIDDEN: 'permanent',
  SOURCE_NOT_FOUND: 'permanent',
  SOURCE_JOB_FAILED: 'permanent',
  SOURCE_TOKEN_REVOKED: 'permanent',
  SOURCE_ACTION_UNSUPPORTED: 'permanent',
  UNKNOWN_SOURCE_SYSTEM: 'permanent',
  RETRIES_EXHAUSTED: 'permanent',
  DEADLINE_EXCEEDED: 'permanent',

  // the dead-letter store and its API
  RECORD_CHAIN_BROKEN: 'internal',
  KEY_NOT_FOUND: 'permanent',
  PRIVACY_BUDGET_EXHAUSTED: 'permanent',
  UNAUTHENTICATED: 'invalid_input',
  FORBIDDEN: 'invalid_input',
  NOT_FOUND: 'invalid_input',
  RECORD_SHREDDED: 'permanent',
  RECORD_NOT_REPLAYABLE: 'invalid_input',
  MIGRATION_FAILED: 'configuration',

  // operator tools (the dsr command)
  WAIT_TIMED_OUT: 'transient',
  AUDITOR_UNREACHABLE: 'transient',

  // defects
  INTERNAL: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The category a code belongs to. */
export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code];
}
