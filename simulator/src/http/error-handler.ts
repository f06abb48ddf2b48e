import { isDsrError, type Logger } from '@dsr/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './bodies';

/**
 * Turns what a route threw into an answer: our own errors by their code (an unknown source is
 * 404, bad knobs are 400), the framework's client errors (a body that is not JSON) as they are,
 * anything else as 500, logged.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    if (isDsrError(error)) {
      const status = error.code === 'NOT_FOUND' ? 404 : error.category === 'internal' ? 500 : 400;
      reply.code(status).send(errorBody(error.code.toLowerCase(), error.message));
      return;
    }

    const statusCode = (error as FastifyError).statusCode;
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      reply.code(statusCode).send(errorBody('invalid_request', error.message));
      return;
    }

    logger.error(
      { err: error, method: request.method, route: request.routeOptions.url },
      'request failed',
    );
    reply.code(500).send(errorBody('internal_error', 'the simulator failed'));
  };
}
