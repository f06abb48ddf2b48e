import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDsrError, type ErrorCode, type Logger } from '@dsr/shared';

/** The HTTP status each error the API raises on purpose answers with. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = Object.freeze({
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  RECORD_NOT_REPLAYABLE: 409,
  PRIVACY_BUDGET_EXHAUSTED: 409,
  RECORD_SHREDDED: 410,
  KEY_NOT_FOUND: 503,
});

/** The body of every error answer: a stable code and a message for a person. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Turns errors into answers. Our own errors keep their code and message (they carry identifiers
 * only); fastify's validation errors become 400; anything else is a 500 whose details stay in
 * the log.
 */
export function errorHandler(logger: Logger) {
  return (
    error: FastifyError | Error,
    request: FastifyRequest,
    reply: FastifyReply,
  ): FastifyReply => {
    if (isDsrError(error)) {
      const status = STATUS_BY_CODE[error.code] ?? 500;
      if (status >= 500)
        logger.error({ err: error, http_request_id: request.id }, 'request failed');
      return reply.code(status).send({ error: { code: error.code, message: error.message } });
    }

    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: { code: 'VALIDATION_FAILED', message: error.message } });
    }

    logger.error({ err: error, http_request_id: request.id }, 'request failed');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  };
}
