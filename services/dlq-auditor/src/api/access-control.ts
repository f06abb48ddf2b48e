import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from '@dsr/shared';
import { writeAccess, type AccessOutcome } from './access-log';
import type { CredentialStore, Principal } from './credentials';
import { allows, type Permission } from './roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one are public (health only). */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
    /** Set once the request's access-log entry is written, so it is written once. */
    accessLogged?: boolean;
  }
}

/** What access control needs: where to log and whom to trust. */
export interface AccessControlOptions {
  pool: Pool;
  credentials: CredentialStore;
  logger: Logger;
}

/**
 * Authenticates every request to a route that names a permission (an `x-api-key` header or an
 * `Authorization: Bearer` token), then authorises it by role. Refusals answer 401 or 403 and are
 * written to the access log and the service log; allowed requests are written to the access log
 * when they complete, unless the route wrote its entry already (reads of personal data and
 * replays do, before any data leaves).
 */
export function installAccessControl(app: FastifyInstance, options: AccessControlOptions): void {
  const log = options.logger.child({ component: 'access-control' });

  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) return;

    const principal = authenticate(request, options.credentials);
    if (!principal) {
      log.warn(
        { http_request_id: request.id, operation: permission },
        'request refused: unauthenticated',
      );
      await refuse(options.pool, request, reply, { outcome: 'unauthenticated', permission });
      return reply;
    }
    if (!allows(principal.role, permission)) {
      log.warn(
        {
          http_request_id: request.id,
          principal: principal.id,
          role: principal.role,
          operation: permission,
        },
        'request refused: forbidden',
      );
      await refuse(options.pool, request, reply, { outcome: 'forbidden', permission, principal });
      return reply;
    }
    request.principal = principal;
  });

  app.addHook('onResponse', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    if (!request.principal || request.accessLogged || permission === undefined) return;

    const outcome: AccessOutcome = reply.statusCode < 400 ? 'allowed' : 'failed';
    await writeAccess(options.pool, entryFor(request, permission, outcome, reply.statusCode)).catch(
      (err: unknown) => log.error({ err, http_request_id: request.id }, 'access log write failed'),
    );
  });
}

/**
 * Writes the access-log entry of a sensitive operation before it runs. If the entry cannot be
 * written, the operation does not happen: no personal data is read without its trace.
 */
export async function logSensitiveAccess(
  pool: Pool,
  request: FastifyRequest,
  position: string | null,
): Promise<void> {
  const permission = request.routeOptions.config.permission!;
  await writeAccess(pool, { ...entryFor(request, permission, 'allowed', null), position });
  request.accessLogged = true;
}

function authenticate(
  request: FastifyRequest,
  credentials: CredentialStore,
): Principal | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return credentials.authenticate(apiKey);

  const authorization = request.headers.authorization;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match ? credentials.authenticate(match[1]!) : undefined;
}

async function refuse(
  pool: Pool,
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: {
    outcome: 'unauthenticated' | 'forbidden';
    permission: Permission;
    principal?: Principal;
  },
): Promise<void> {
  const status = refusal.outcome === 'unauthenticated' ? 401 : 403;
  const entry = entryFor(request, refusal.permission, refusal.outcome, status);
  await writeAccess(pool, {
    ...entry,
    principal: refusal.principal?.id ?? null,
    role: refusal.principal?.role ?? null,
  });
  request.accessLogged = true;

  if (status === 401) reply.header('www-authenticate', 'Bearer realm="dlq-auditor"');
  const code = status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
  const message =
    status === 401
      ? 'an API key or bearer token is required'
      : `this role may not ${refusal.permission}`;
  await reply.code(status).send({ error: { code, message } });
}

function entryFor(
  request: FastifyRequest,
  permission: Permission,
  outcome: AccessOutcome,
  status: number | null,
) {
  const params = request.params as { position?: string } | undefined;
  return {
    requestId: String(request.id),
    principal: request.principal?.id ?? null,
    role: request.principal?.role ?? null,
    operation: permission,
    outcome,
    position: params?.position && /^\d{1,19}$/.test(params.position) ? params.position : null,
    method: request.method,
    route: request.routeOptions.url ?? request.url,
    status,
  };
}
