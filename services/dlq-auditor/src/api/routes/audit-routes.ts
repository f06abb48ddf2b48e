import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readAccessLog } from '../access-log';
import { verifyChain } from '../../chain/verify-chain';
import { accountForKeys } from '../../retention/key-accounting';
import { shredExpired } from '../../retention/shred-expired';
import { exactReport } from '../../reports/exact-report';
import { parseReportRequest } from '../../reports/report-request';
import { budgetStatus, releasePrivateReport } from '../../privacy/private-report';
import type { TriageContext } from '../triage-context';
import { parseInput } from '../parse-input';

const accessQuery = z.object({
  before: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Verification, the access log, retention and reports. */
export function registerAuditRoutes(app: FastifyInstance, context: TriageContext): void {
  const { pool } = context;

  app.post('/v1/chain/verify', { config: { permission: 'chain:verify' } }, async () => ({
    ...(await verifyChain(pool)),
    keys: await accountForKeys(pool),
  }));

  app.get('/v1/access-log', { config: { permission: 'access-log:read' } }, async (request) => {
    const query = parseInput(accessQuery, request.query, 'query');
    return { entries: await readAccessLog(pool, { beforeId: query.before, limit: query.limit }) };
  });

  app.post('/v1/retention/run', { config: { permission: 'retention:run' } }, async () =>
    shredExpired(pool),
  );

  app.post(
    '/v1/reports/private',
    { config: { permission: 'reports:private' } },
    async (request) => {
      const report = parseReportRequest(request.body);
      return releasePrivateReport(
        pool,
        report,
        request.principal!.id,
        context.privacy,
        context.random,
      );
    },
  );

  app.get('/v1/reports/budget', { config: { permission: 'reports:private' } }, async () =>
    budgetStatus(pool, context.privacy),
  );

  app.post('/v1/reports/exact', { config: { permission: 'reports:exact' } }, async (request) => {
    const { epsilon: _ignored, ...report } = parseReportRequest(request.body);
    return exactReport(pool, report, context.privacy.sourceSystems);
  });
}
