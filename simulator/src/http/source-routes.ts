import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Exchange } from './exchange';
import { accessResult, errorBody, jobBody } from './bodies';
import {
  admissionHook,
  admittedExchange,
  answerEarly,
  deliver,
  type SourceRouteContext,
} from './gate';
import { parseWorkOrder, readIdempotencyKey } from './work-order';
import type { WorkOrder } from '../source/job-store';

type SourceRequest = FastifyRequest<{ Params: { source: string } }>;
type JobRequest = FastifyRequest<{ Params: { source: string; jobId: string } }>;

const REPLAYED = Object.freeze({ 'idempotent-replayed': 'true' });

/**
 * The DSR-shaped API every source offers under `/sources/:source`: asynchronous jobs (submit,
 * status, result) and a synchronous variant for sources without jobs.
 */
export function registerSourceRoutes(app: FastifyInstance, context: SourceRouteContext): void {
  const admitted = { onRequest: admissionHook(context) };

  app.post('/sources/:source/jobs', admitted, (request: SourceRequest, reply) =>
    submitJob(context, request, reply),
  );
  app.get('/sources/:source/jobs/:jobId', admitted, (request: JobRequest, reply) =>
    showJob(context, request, reply, false),
  );
  app.get('/sources/:source/jobs/:jobId/result', admitted, (request: JobRequest, reply) =>
    showJob(context, request, reply, true),
  );
  app.post('/sources/:source/requests', admitted, (request: SourceRequest, reply) =>
    executeNow(context, request, reply),
  );
}

async function submitJob(
  context: SourceRouteContext,
  request: SourceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const exchange = admittedExchange(request);

  const key = readIdempotencyKey(request.headers['idempotency-key']);
  if (key === undefined) {
    exchange.answer(400, errorBody('idempotency_key_required', 'send an Idempotency-Key header'));
    return reply;
  }
  const order = readOrder(exchange, request.body);
  if (order === undefined) return reply;

  const { source } = exchange;
  source.counters.countSubmit(order.requestId);
  const fault = source.forcedFault(order.requestId) ?? source.randomFault();
  if (answerEarly(exchange, fault)) return reply;

  const nowMs = context.clock();
  const submitted = source.startJob(key, order, nowMs, { forceFailure: fault === 'job-failed' });
  if (submitted.kind === 'conflict') {
    exchange.answer(422, errorBody('idempotency_key_reused', 'the key names another request'));
    return reply;
  }

  source.counters.countJob(order.requestId, submitted.kind === 'started');
  const body = jobBody(source.name, submitted.job, nowMs, source.knobs.resultRecords);
  await deliver(exchange, fault, 202, body, submitted.kind === 'replayed' ? REPLAYED : undefined);
  return reply;
}

async function showJob(
  context: SourceRouteContext,
  request: JobRequest,
  reply: FastifyReply,
  resultOnly: boolean,
): Promise<FastifyReply> {
  const exchange = admittedExchange(request);

  const { source } = exchange;
  const fault = source.randomFault();
  if (answerEarly(exchange, fault)) return reply;

  const job = source.jobs.find(request.params.jobId, context.clock());
  if (job === undefined) {
    exchange.answer(404, errorBody('unknown_job', 'the source knows no job with this id'));
    return reply;
  }

  const body = jobBody(source.name, job, context.clock(), source.knobs.resultRecords);
  if (!resultOnly) {
    await deliver(exchange, fault, 200, body);
    return reply;
  }
  if (body.result === undefined) {
    exchange.answer(409, errorBody('no_result', 'the job has no result (yet)'));
    return reply;
  }
  await deliver(exchange, fault, 200, body.result);
  return reply;
}

async function executeNow(
  context: SourceRouteContext,
  request: SourceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const exchange = admittedExchange(request);

  const order = readOrder(exchange, request.body);
  if (order === undefined) return reply;

  const { source } = exchange;
  source.counters.countSubmit(order.requestId);
  const fault = source.forcedFault(order.requestId) ?? source.randomFault();
  if (answerEarly(exchange, fault)) return reply;

  // Without a key every call is new work, which is what counts duplicate executions.
  const key = readIdempotencyKey(request.headers['idempotency-key']) ?? source.jobs.anonymousKey();
  const submitted = source.startJob(key, order, context.clock(), {
    forceFailure: fault === 'job-failed',
    instant: true,
  });
  if (submitted.kind === 'conflict') {
    exchange.answer(422, errorBody('idempotency_key_reused', 'the key names another request'));
    return reply;
  }

  source.counters.countJob(order.requestId, submitted.kind === 'started');
  const headers = submitted.kind === 'replayed' ? REPLAYED : undefined;
  if (submitted.job.outcome === 'failed') {
    await deliver(exchange, fault, 422, errorBody('job_failed', 'the source could not do it'));
    return reply;
  }
  await deliver(
    exchange,
    fault,
    200,
    syncBody(source.name, order, source.knobs.resultRecords),
    headers,
  );
  return reply;
}

function readOrder(exchange: Exchange, body: unknown): WorkOrder | undefined {
  const parsed = parseWorkOrder(body);
  if (parsed.ok) return parsed.order;

  exchange.answer(400, errorBody('invalid_request', parsed.reason));
  return undefined;
}

function syncBody(source: string, order: WorkOrder, records: number): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: order.requestId,
    action: order.action,
    status: 'done',
  };
  if (order.action === 'access') body.result = accessResult(source, order, records);
  return body;
}
