import { isDsrError } from '@dsr/shared';

/**
 * What the `dsr` command's exit status means, so scripts can tell a typo from an outage.
 * Stable: scripts depend on these numbers.
 */
export const EXIT_CODES = Object.freeze({
  /** Done as asked. */
  ok: 0,
  /** Something unexpected; the message says what. */
  failure: 1,
  /** The arguments or the input file are wrong; nothing was sent. */
  invalidInput: 2,
  /** The broker, registry, database or auditor cannot be reached, or settings are wrong. */
  unavailable: 3,
  /** What was asked for does not exist (request, dead letter). */
  notFound: 4,
  /** A verification found a problem (a broken record chain). */
  verificationFailed: 5,
  /** The auditor refused: missing or insufficient credentials, or no privacy budget left. */
  refused: 6,
  /** A wait (`follow --wait`) ended before what it waited for happened. */
  timedOut: 7,
});

/** The exit status that fits an error. */
export function exitCodeFor(error: unknown): number {
  if (!isDsrError(error)) {
    return isConnectionFailure(error) ? EXIT_CODES.unavailable : EXIT_CODES.failure;
  }

  switch (error.code) {
    case 'NOT_FOUND':
      return EXIT_CODES.notFound;
    case 'WAIT_TIMED_OUT':
      return EXIT_CODES.timedOut;
    case 'RECORD_CHAIN_BROKEN':
      return EXIT_CODES.verificationFailed;
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'PRIVACY_BUDGET_EXHAUSTED':
      return EXIT_CODES.refused;
    default:
      break;
  }

  switch (error.category) {
    case 'invalid_input':
      return EXIT_CODES.invalidInput;
    case 'configuration':
    case 'transient':
      return EXIT_CODES.unavailable;
    default:
      return EXIT_CODES.failure;
  }
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Whether a library's error means the infrastructure did not answer: kafkajs's connection
 * errors, or a socket refused anywhere in the cause chain.
 */
export function isConnectionFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (CONNECTION_ERRORS.has(current.name)) return true;

    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}
