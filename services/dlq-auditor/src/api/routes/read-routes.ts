import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { subjectKey } from '@dsr/shared';
import { listRecordEvents } from '../../triage/record-events';
import {
  listRecords,
  readPersonal,
  readRecord,
  recordsOfSubject,
} from '../../triage/record-reader';
import { logSensitiveAccess } from '../access-control';
import { parseInput } from '../parse-input';
import type { TriageContext } from '../triage-context';

/** A record's position in the chain, as a route parameter. */
export const positionParams = z.object({
  position: z.string().regex(/^[1-9]\d{0,18}$/, 'must be a positive integer'),
});

const listQuery = z.object({
  kind: z.enum(['dead_letter', 'quarantine', 'undecodable']).optional(),
  after: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const lookupBody = z.union([
  z.object({ email: z.string().min(3).max(320) }),
  z.object({ subjectKey: z.string().regex(/^[0-9a-f]{64}$/) }),
]);

/** Listing and reading records (redacted), reading personal data, looking up a subject. */
export function registerReadRoutes(app: FastifyInstance, context: TriageContext): void {
  const { pool } = context;

  app.get('/v1/records', { config: { permission: 'records:list' } }, async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const options = { kind: query.kind, afterPosition: query.after, limit: query.limit };
    return { records: await listRecords(pool, options) };
  });

  app.get('/v1/records/:position', { config: { permission: 'records:read' } }, async (request) => {
    const { position } = parseInput(positionParams, request.params, 'position');
    const record = await readRecord(pool, position);
    return { record, events: await listRecordEvents(pool, position) };
  });

  const personal = { config: { permission: 'records:personal' as const } };
  app.get('/v1/records/:position/personal', personal, async (request) => {
    const { position } = parseInput(positionParams, request.params, 'position');
    await logSensitiveAccess(pool, request, position);
    return readPersonal(pool, position, context.keyring);
  });

  const lookup = { config: { permission: 'subjects:lookup' as const } };
  app.post('/v1/subjects/lookup', lookup, async (request) => {
    const body = parseInput(lookupBody, request.body, 'lookup');
    const key =
      'email' in body ? subjectKey(body.email, context.subjectKeySecret) : body.subjectKey;
    await logSensitiveAccess(pool, request, null);
    return { subjectKey: key, records: await recordsOfSubject(pool, key) };
  });
}
