import type { FastifyReply, FastifyRequest } from 'fastify';
import { DsrError } from '@dsr/shared';
import type { Clock } from '../source/clock';
import type { GlobalCounters } from '../source/global-counters';
import type { SourceSystem } from '../source/source-system';
import { errorBody } from './bodies';
import { Exchange } from './exchange';
import { answerEarly, answerUnauthorized } from './fault-answers';

/** What the source routes need from the simulator. */
export interface SourceRouteContext {
  findSource(name: string): SourceSystem | undefined;
  readonly global: GlobalCounters;
  readonly clock: Clock;
}

// The exchange of each admitted request, for the route handlers and the error handler.
const exchanges = new WeakMap<FastifyRequest, Exchange>();

/**
 * The `onRequest` hook of the source routes. It counts a request in flight from the moment its
 * headers arrive, then applies the outage, authentication, the rate limit, the concurrency cap
 * and the latency, in that order, before the body is even read. A request it answers never
 * reaches its handler.
 */
export function admissionHook(context: SourceRouteContext) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const { source: name } = request.params as { source: string };
    const source = context.findSource(name);
    if (source === undefined) {
      return reply.code(404).send(errorBody('unknown_source', 'no source system has this name'));
    }

    const exchange = new Exchange(source, context.global, request, reply);
    exchanges.set(request, exchange);
    if (answeredAtDoor(exchange, request, context.clock())) return reply;

    const proceed = await exchange.pause(source.latencyMs());
    return proceed ? undefined : reply;
  };
}

/** The exchange of a request the admission hook let through. */
export function exchangeOf(request: FastifyRequest): Exchange | undefined {
  return exchanges.get(request);
}

/** The exchange of a request that reached its handler, which the admission hook guarantees. */
export function admittedExchange(request: FastifyRequest): Exchange {
  const exchange = exchanges.get(request);
  if (exchange !== undefined) return exchange;

  throw new DsrError('INTERNAL', 'a source route ran without its admission hook');
}

// Outage, credentials, rate limit and concurrency cap; returns whether it answered the request.
function answeredAtDoor(exchange: Exchange, request: FastifyRequest, nowMs: number): boolean {
  const { source } = exchange;
  if (source.outage === 'refuse' || source.outage === 'reset') {
    exchange.reset();
    return true;
  }
  if (source.outage === 'unavailable') return answerEarly(exchange, 'unavailable');

  const credentials = source.checkCredentials(request.headers);
  if (credentials !== 'valid') {
    answerUnauthorized(exchange, credentials);
    return true;
  }

  const admission = source.admit(nowMs);
  if (!admission.granted) {
    const retryAfterSec = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    exchange.answer(429, errorBody('rate_limited', 'the rate limit is exceeded'), {
      'retry-after': String(retryAfterSec),
    });
    return true;
  }

  const cap = source.knobs.maxInFlight;
  if (cap === null || source.counters.inFlight <= cap) return false;

  exchange.answer(429, errorBody('too_many_concurrent_requests', 'too many requests at once'), {
    'retry-after': String(source.knobs.retryAfterSec),
  });
  return true;
}
