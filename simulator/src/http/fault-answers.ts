import type { FaultKind } from '../config/knobs';
import { authChallenge, type AuthProblem } from '../source/credentials';
import { errorBody } from './bodies';
import type { Exchange } from './exchange';

interface EarlyAnswer {
  status: number;
  error: string;
  message: string;
  retryAfter: boolean;
}

// Faults answered before the source does any work.
const EARLY_ANSWERS: Partial<Record<FaultKind, EarlyAnswer>> = {
  'server-error': {
    status: 500,
    error: 'internal_error',
    message: 'the source failed',
    retryAfter: false,
  },
  'rate-limited': {
    status: 429,
    error: 'rate_limited',
    message: 'too many requests',
    retryAfter: true,
  },
  unavailable: {
    status: 503,
    error: 'unavailable',
    message: 'the source is unavailable',
    retryAfter: true,
  },
  forbidden: {
    status: 403,
    error: 'forbidden',
    message: 'the credentials do not allow this request',
    retryAfter: false,
  },
  unprocessable: {
    status: 422,
    error: 'unprocessable',
    message: 'the source cannot process this request',
    retryAfter: false,
  },
};

/** Answers 401 with the challenge that tells missing, wrong and revoked credentials apart. */
export function answerUnauthorized(exchange: Exchange, problem: AuthProblem): void {
  const { source } = exchange;
  const challenge = authChallenge(source.knobs.auth, source.name, problem);
  const body =
    problem === 'revoked'
      ? errorBody('token_revoked', 'the credentials were revoked')
      : errorBody('unauthorized', 'missing or wrong credentials');
  exchange.answer(401, body, { 'www-authenticate': challenge });
}

/**
 * Applies a fault that strikes before any work. Returns whether the request was answered; late
 * faults (`slow`, `lost-response`) and `job-failed` are left to {@link deliver} and the job.
 */
export function answerEarly(exchange: Exchange, fault: FaultKind | undefined): boolean {
  if (fault === undefined) return false;
  if (fault === 'reset') {
    exchange.reset();
    return true;
  }

  if (fault === 'unauthorized') {
    answerUnauthorized(exchange, 'revoked');
    return true;
  }

  const early = EARLY_ANSWERS[fault];
  if (early === undefined) return false;

  const headers = early.retryAfter
    ? { 'retry-after': String(exchange.source.knobs.retryAfterSec) }
    : undefined;
  exchange.answer(early.status, errorBody(early.error, early.message), headers);
  return true;
}

/** Sends the answer of work that was done, unless a late fault holds or loses it. */
export async function deliver(
  exchange: Exchange,
  fault: FaultKind | undefined,
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): Promise<void> {
  if (fault === 'lost-response') {
    exchange.reset();
    return;
  }
  if (fault === 'slow' && !(await exchange.pause(exchange.source.knobs.slowDelayMs))) return;

  exchange.answer(status, body, headers);
}
