import { randomUUID } from 'node:crypto';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installAccessControl } from './access-control';
import type { CredentialStore } from './credentials';
import { errorHandler } from './http-errors';
import { registerAuditRoutes } from './routes/audit-routes';
import { registerReadRoutes } from './routes/read-routes';
import { registerTriageRoutes } from './routes/triage-routes';
import type { TriageContext } from './triage-context';

/** The routes' context plus the accepted credentials. */
export interface TriageApiOptions extends TriageContext {
  credentials: CredentialStore;
}

/**
 * The triage HTTP API (fastify), not yet listening. Every route but /healthz needs a credential
 * and a role that holds the route's permission; see roles.ts.
 */
export function createTriageApi(options: TriageApiOptions): FastifyInstance {
  const logger = options.logger.child({ component: 'triage-api' });
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Every request that matters is in the access log; per-request service log lines add nothing.
    // `http_request_id`, not fastify's `reqId` nor `request_id`: log fields are snake_case, and
    // `request_id` is the data subject request's id in every other line of the pipeline.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'http_request_id',
    }),
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024,
  });

  app.setErrorHandler(errorHandler(logger));
  installAccessControl(app, { pool: options.pool, credentials: options.credentials, logger });
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerReadRoutes(app, options);
  registerTriageRoutes(app, options);
  registerAuditRoutes(app, options);
  return app;
}
