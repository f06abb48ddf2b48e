import { parseConfig } from '@dsr/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SourceKnobs } from '../config/knobs';
import type { RequestIdCounters, SourceCountersSnapshot } from '../source/source-counters';
import type { OutageMode } from '../source/source-system';
import type { SimulatorCounters } from '../simulator-counters';

/** What one source looks like through the control API. */
export interface SourceDescription {
  name: string;
  /** Base URL on the source's own port (refuses connections in a `refuse` outage). */
  url: string;
  /** Base URL on the shared port. */
  sharedUrl: string;
  outage: OutageMode | null;
  knobs: SourceKnobs;
}

/** The operations the control API exposes; the simulator implements them. */
export interface SimulatorControl {
  describeSources(): SourceDescription[];
  describeSource(name: string): SourceDescription;
  configureSource(name: string, knobs: unknown): Promise<boolean>;
  updateSource(name: string, patch: unknown): void;
  removeSource(name: string): Promise<void>;
  takeDown(name: string, mode: OutageMode): Promise<void>;
  bringUp(name: string): Promise<void>;
  counters(): SimulatorCounters;
  sourceCounters(name: string): SourceCountersSnapshot;
  requestIdCounters(name: string, requestId: string): RequestIdCounters;
  allRequestIdCounters(name: string): Record<string, RequestIdCounters>;
  resetCounters(options?: { jobs?: boolean; sources?: string[] }): void;
}

type Named = { Params: { source: string } };

const outageBodySchema = z
  .strictObject({ mode: z.enum(['refuse', 'reset', 'unavailable']).default('refuse') })
  .nullish();
const resetBodySchema = z
  .strictObject({ jobs: z.boolean().optional(), sources: z.array(z.string()).optional() })
  .nullish();

/** The control API under `/control`: knobs, outages and counters, for tests and the demo. */
export function registerControlRoutes(app: FastifyInstance, control: SimulatorControl): void {
  app.get('/control/health', async () => ({ ok: true }));
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/control/sources', async () => ({ sources: control.describeSources() }));
  app.get<Named>('/control/sources/:source', async (request) =>
    control.describeSource(request.params.source),
  );
  app.put<Named>('/control/sources/:source', async (request, reply) => {
    const created = await control.configureSource(request.params.source, request.body ?? {});
    return reply.code(created ? 201 : 200).send(control.describeSource(request.params.source));
  });
  app.patch<Named>('/control/sources/:source', async (request) => {
    control.updateSource(request.params.source, request.body ?? {});
    return control.describeSource(request.params.source);
  });
  app.delete<Named>('/control/sources/:source', async (request, reply) => {
    await control.removeSource(request.params.source);
    return reply.code(204).send();
  });
  registerOutageRoutes(app, control);
  registerCounterRoutes(app, control);
}

function registerOutageRoutes(app: FastifyInstance, control: SimulatorControl): void {
  app.put<Named>('/control/sources/:source/outage', async (request) => {
    const body = parseConfig(outageBodySchema, request.body, 'the outage body');
    await control.takeDown(request.params.source, body?.mode ?? 'refuse');
    return control.describeSource(request.params.source);
  });
  app.delete<Named>('/control/sources/:source/outage', async (request) => {
    await control.bringUp(request.params.source);
    return control.describeSource(request.params.source);
  });
}

function registerCounterRoutes(app: FastifyInstance, control: SimulatorControl): void {
  app.get('/control/counters', async () => control.counters());
  app.get<Named>('/control/sources/:source/counters', async (request) =>
    control.sourceCounters(request.params.source),
  );
  app.get<Named>('/control/sources/:source/request-ids', async (request) =>
    control.allRequestIdCounters(request.params.source),
  );
  app.get<{ Params: { source: string; requestId: string } }>(
    '/control/sources/:source/request-ids/:requestId',
    async (request) => control.requestIdCounters(request.params.source, request.params.requestId),
  );
  app.post('/control/reset', async (request) => {
    control.resetCounters(parseConfig(resetBodySchema, request.body, 'the reset body') ?? {});
    return control.counters();
  });
}
