import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultKind } from '../config/knobs';
import type { SubmitResult, WorkOrder } from '../source/job-store';
import { admissionHook, admittedExchange, type SourceRouteContext } from './admission';
import { accessResult, errorBody, jobBody } from './bodies';
import type { Exchange } from './exchange';
import { answerEarly, deliver } from './fault-answers';
import { parseWorkOrder, readIdempotencyKey } from './work-order';

type SourceRequest = FastifyRequest<{ Params: { source: string } }>;
type JobRequest = FastifyRequest<{ Params: { source: string; jobId: string } }>;

// A submit's order and the fault it drew.
interface TakenOrder {
  order: WorkOrder;
  fault: FaultKind | undefined;
}

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

  const taken = takeOrder(exchange, request.body);
  if (taken === undefined) return reply;

  const { source } = exchange;
  const nowMs = context.clock();
  const submitted = source.startJob(key, taken.order, nowMs, {
    forceFailure: taken.fault === 'job-failed',
  });
  if (!countJob(exchange, taken, submitted)) return reply;

  const body = jobBody(source.name, submitted.job, nowMs, source.knobs.resultRecords);
  await deliver(exchange, taken.fault, 202, body, replayHeaders(submitted));
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
  const nowMs = context.clock();
  const job = source.jobs.find(request.params.jobId, nowMs);
  const fault = source.randomFault();
  if (fault !== undefined && job !== undefined) {
    source.counters.countFault(job.order.requestId, fault);
  }
  if (answerEarly(exchange, fault)) return reply;

  if (job === undefined) {
    exchange.answer(404, errorBody('unknown_job', 'the source knows no job with this id'));
    return reply;
  }

  const body = jobBody(source.name, job, nowMs, source.knobs.resultRecords);
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
  const taken = takeOrder(exchange, request.body);
  if (taken === undefined) return reply;

  // Without a key every call is new work, which is what counts duplicate executions.
  const { source } = exchange;
  const key = readIdempotencyKey(request.headers['idempotency-key']) ?? source.jobs.anonymousKey();
  const submitted = source.startJob(key, taken.order, context.clock(), {
    forceFailure: taken.fault === 'job-failed',
    instant: true,
  });
  if (!countJob(exchange, taken, submitted)) return reply;

  if (submitted.job.outcome === 'failed') {
    const failed = errorBody('job_failed', 'the source could not do it');
    await deliver(exchange, taken.fault, 422, failed, replayHeaders(submitted));
    return reply;
  }
  const body = syncBody(source.name, submitted.job.order, source.knobs.resultRecords);
  await deliver(exchange, taken.fault, 200, body, replayHeaders(submitted));
  return reply;
}

/**
 * Reads a submit's body, counts the submit and draws its fault; answers and returns undefined
 * when the body is bad or the fault strikes before any work.
 */
function takeOrder(exchange: Exchange, body: unknown): TakenOrder | undefined {
  const parsed = parseWorkOrder(body);
  if (!parsed.ok) {
    exchange.answer(400, errorBody('invalid_request', parsed.reason));
    return undefined;
  }

  const { source } = exchange;
  const { order } = parsed;
  source.counters.countSubmit(order.requestId);
  const fault = source.forcedFault(order.requestId) ?? source.randomFault();
  if (fault !== undefined) source.counters.countFault(order.requestId, fault);
  return answerEarly(exchange, fault) ? undefined : { order, fault };
}

// Counts a started or replayed job; answers a key conflict and returns false.
function countJob(exchange: Exchange, taken: TakenOrder, submitted: SubmitResult): boolean {
  if (submitted.kind === 'conflict') {
    exchange.answer(422, errorBody('idempotency_key_reused', 'the key names another request'));
    return false;
  }

  const { counters } = exchange.source;
  const { requestId } = taken.order;
  const started = submitted.kind === 'started';
  counters.countJob(requestId, started);
  // A job the fail rate set to fail is a fault its request id met, as a forced one is.
  if (started && submitted.job.outcome === 'failed' && taken.fault !== 'job-failed') {
    counters.countFault(requestId, 'job-failed');
  }
  return true;
}

function replayHeaders(submitted: SubmitResult): Record<string, string> | undefined {
  return submitted.kind === 'replayed' ? REPLAYED : undefined;
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
