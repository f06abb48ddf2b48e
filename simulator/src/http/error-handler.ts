import { isDsrError, type Logger } from '@dsr/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, type ErrorBody } from './bodies';
import { exchangeOf } from './admission';

/**
 * Turns what a route threw into an answer: our own errors by their code (an unknown source is
 * 404, bad knobs are 400), the framework's client errors (a body that is not JSON) as they are,
 * anything else as 500, logged.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = answerFor(request, reply);
    if (isDsrError(error) && error.category !== 'internal') {
      answer(
        error.code === 'NOT_FOUND' ? 404 : 400,
        errorBody(error.code.toLowerCase(), error.message),
      );
      return;
    }

    const statusCode = (error as FastifyError).statusCode;
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      answer(statusCode, errorBody('invalid_request', error.message));
      return;
    }

    logger.error(
      { err: error, method: request.method, route: request.routeOptions.url },
      'request failed',
    );
    answer(500, errorBody('internal_error', 'the simulator failed'));
  };
}

// A source request is answered through its exchange, so that it is counted under its status.
function answerFor(request: FastifyRequest, reply: FastifyReply) {
  const exchange = exchangeOf(request);
  return (status: number, body: ErrorBody): void => {
    if (exchange === undefined) reply.code(status).send(body);
    else exchange.answer(status, body);
  };
}
