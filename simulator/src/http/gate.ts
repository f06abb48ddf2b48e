import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FaultKind } from '../config/knobs';
import type { Clock } from '../source/clock';
import type { GlobalCounters } from '../source/global-counters';
import type { SourceSystem } from '../source/source-system';
import { errorBody } from './bodies';
import { Exchange } from './exchange';

/** What the source routes need from the simulator. */
export interface SourceRouteContext {
  findSource(name: string): SourceSystem | undefined;
  readonly global: GlobalCounters;
  readonly clock: Clock;
}

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
  unauthorized: {
    status: 401,
    error: 'unauthorized',
    message: 'the credentials were revoked',
    retryAfter: false,
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

/**
 * Admits a request to a source: counts it, then applies the outage, authentication, the rate
 * limit and the latency, in that order. Returns the exchange to answer on, or `undefined` when
 * the request was already answered (or its connection ended).
 */
export async function enterSource(
  context: SourceRouteContext,
  request: FastifyRequest<{ Params: { source: string } }>,
  reply: FastifyReply,
): Promise<Exchange | undefined> {
  const source = context.findSource(request.params.source);
  if (source === undefined) {
    reply.code(404).send(errorBody('unknown_source', 'no source system has this name'));
    return undefined;
  }

  const exchange = new Exchange(source, context.global, request, reply);
  if (source.outage === 'refuse' || source.outage === 'reset') {
    exchange.reset();
    return undefined;
  }
  if (source.outage === 'unavailable') {
    answerEarly(exchange, 'unavailable');
    return undefined;
  }
  if (!source.authorized(request.headers)) {
    exchange.answer(401, errorBody('unauthorized', 'missing or wrong credentials'));
    return undefined;
  }

  const admission = source.admit(context.clock());
  if (!admission.granted) {
    const retryAfterSec = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    exchange.answer(429, errorBody('rate_limited', 'the rate limit is exceeded'), {
      'retry-after': String(retryAfterSec),
    });
    return undefined;
  }

  const proceed = await exchange.pause(source.latencyMs());
  return proceed ? exchange : undefined;
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
