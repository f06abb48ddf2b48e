import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DsrError, subjectKey } from '@dsr/shared';
import { appendRecordEvent, listRecordEvents, MAX_NOTE_CHARS } from '../../triage/record-events';
import {
  listRecords,
  readPersonal,
  readRecord,
  recordsOfSubject,
} from '../../triage/record-reader';
import { replayRecord } from '../../triage/replay';
import { logSensitiveAccess } from '../access-control';
import type { TriageContext } from '../triage-context';

const positionParams = z.object({
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
const noteBody = z.object({ note: z.string().min(1).max(MAX_NOTE_CHARS) });
const resolveBody = z
  .object({ note: z.string().min(1).max(MAX_NOTE_CHARS).optional() })
  .default({});
const lookupBody = z.union([
  z.object({ email: z.string().min(3).max(320) }),
  z.object({ subjectKey: z.string().regex(/^[0-9a-f]{64}$/) }),
]);

/** Parses with a schema; VALIDATION_FAILED names the fields (never their values). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  const paths = result.error.issues.map((i) => i.path.join('.') || '(root)');
  throw new DsrError('VALIDATION_FAILED', `invalid ${what}: ${[...new Set(paths)].join(', ')}`);
}

/** Listing, reading, annotating, replaying and resolving records; subject lookup. */
export function registerRecordRoutes(app: FastifyInstance, context: TriageContext): void {
  const { pool } = context;

  app.get('/v1/records', { config: { permission: 'records:list' } }, async (request) => {
    const query = parse(listQuery, request.query, 'query');
    return {
      records: await listRecords(pool, {
        kind: query.kind,
        afterPosition: query.after,
        limit: query.limit,
      }),
    };
  });

  app.get('/v1/records/:position', { config: { permission: 'records:read' } }, async (request) => {
    const { position } = parse(positionParams, request.params, 'position');
    return {
      record: await readRecord(pool, position),
      events: await listRecordEvents(pool, position),
    };
  });

  app.get(
    '/v1/records/:position/personal',
    { config: { permission: 'records:personal' } },
    async (request) => {
      const { position } = parse(positionParams, request.params, 'position');
      await logSensitiveAccess(pool, request, position);
      return readPersonal(pool, position, context.keyring);
    },
  );

  app.post(
    '/v1/records/:position/notes',
    { config: { permission: 'records:note' } },
    async (request, reply) => {
      const { position } = parse(positionParams, request.params, 'position');
      const { note } = parse(noteBody, request.body, 'note');
      const event = await appendRecordEvent(pool, {
        position,
        kind: 'note',
        principal: request.principal!.id,
        note,
      });
      return reply.code(201).send({ event });
    },
  );

  app.post(
    '/v1/records/:position/resolve',
    { config: { permission: 'records:resolve' } },
    async (request, reply) => {
      const { position } = parse(positionParams, request.params, 'position');
      const { note } = parse(resolveBody, request.body ?? {}, 'body');
      const event = await appendRecordEvent(pool, {
        position,
        kind: 'resolved',
        principal: request.principal!.id,
        note,
      });
      return reply.code(201).send({ event });
    },
  );

  app.post(
    '/v1/records/:position/replay',
    { config: { permission: 'records:replay' } },
    async (request, reply) => {
      const { position } = parse(positionParams, request.params, 'position');
      await logSensitiveAccess(pool, request, position);
      const replayed = await replayRecord(context, position, request.principal!.id);
      return reply.code(202).send({ replayed });
    },
  );

  app.post(
    '/v1/subjects/lookup',
    { config: { permission: 'subjects:lookup' } },
    async (request) => {
      const body = parse(lookupBody, request.body, 'lookup');
      const key =
        'email' in body ? subjectKey(body.email, context.subjectKeySecret) : body.subjectKey;
      await logSensitiveAccess(pool, request, null);
      return { subjectKey: key, records: await recordsOfSubject(pool, key) };
    },
  );
}
