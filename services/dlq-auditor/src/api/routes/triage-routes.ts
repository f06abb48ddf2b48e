import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  appendRecordEvent,
  MAX_NOTE_CHARS,
  type RecordEventKind,
} from '../../triage/record-events';
import { replayRecord } from '../../triage/replay';
import { logSensitiveAccess } from '../access-control';
import { parseInput } from '../parse-input';
import type { TriageContext } from '../triage-context';
import type { Permission } from '../roles';
import { positionParams } from './read-routes';

const noteBody = z.object({ note: z.string().min(1).max(MAX_NOTE_CHARS) });
const resolveBody = z.object({ note: z.string().min(1).max(MAX_NOTE_CHARS).optional() });

/** The operator's work: notes, resolution and replay, each appended as an event. */
export function registerTriageRoutes(app: FastifyInstance, context: TriageContext): void {
  const { pool } = context;
  const appendRoute = (
    path: string,
    permission: Permission,
    kind: RecordEventKind,
    body: z.ZodType<{ note?: string }>,
  ) =>
    app.post(path, { config: { permission } }, async (request, reply) => {
      const { position } = parseInput(positionParams, request.params, 'position');
      const { note } = parseInput(body, request.body ?? {}, 'body');
      const principal = request.principal!.id;
      const event = await appendRecordEvent(pool, { position, kind, principal, note });
      return reply.code(201).send({ event });
    });

  appendRoute('/v1/records/:position/notes', 'records:note', 'note', noteBody);
  appendRoute('/v1/records/:position/resolve', 'records:resolve', 'resolved', resolveBody);

  const replay = { config: { permission: 'records:replay' as const } };
  app.post('/v1/records/:position/replay', replay, async (request, reply) => {
    const { position } = parseInput(positionParams, request.params, 'position');
    await logSensitiveAccess(pool, request, position);
    const replayed = await replayRecord(context, position, request.principal!.id);
    return reply.code(202).send({ replayed });
  });
}
