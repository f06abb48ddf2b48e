import { createHmac } from 'node:crypto';
import {
  correlatedLogger,
  DsrError,
  isDsrError,
  newTraceId,
  normaliseEmail,
  traceIdFromHeaders,
  type AvroSerde,
  type ConsumedRecord,
  type Coordinates,
  type IntakeTask,
  type Logger,
  type PipelineMetrics,
  type ProducedRecord,
  type RoutedTask,
} from '@dsr/shared';
import type { AcceptedRequests } from '../dedup/accepted-requests';
import { coordinatesKey, coordinatesOf, type IngestOutputs } from '../records/ingest-outputs';
import { MAX_ID_LENGTH, validateTask, type ValidationRules } from '../validate/validate-task';

/** The collaborators of {@link IngestTransform}. */
export interface IngestTransformOptions {
  serde: AvroSerde;
  outputs: IngestOutputs;
  accepted: AcceptedRequests;
  rules: ValidationRules;
  subjectKeySecret: string;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** The clock, epoch milliseconds; default Date.now. */
  now?: () => number;
}

type Decoding = { ok: true; task: IntakeTask } | { ok: false; error: DsrError };

/** The identifiers of the task a record carries, where they are fit to log; null otherwise. */
interface TaskIds {
  requestId: string | null;
  traceId: string | null;
}

/**
 * One intake record in, the records it causes out: decode, validate, claim the request id, then
 * either the validated task or a quarantine record with its alert; always the audit trail.
 * Undecodable or invalid input never throws; only failures worth retrying (registry or database
 * unreachable) do, and those abort the transaction so the record is processed again.
 */
export class IngestTransform {
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: IngestTransformOptions) {
    this.log = options.logger.child({ component: 'ingest' });
    this.now = options.now ?? Date.now;
  }

  /** The transform the transactional processor runs for each intake record. */
  readonly transform = async (record: ConsumedRecord): Promise<ProducedRecord[]> => {
    const startedMs = this.now();
    const decoding = await this.decode(record);
    const outcome = decoding.ok
      ? await this.accept(record, decoding.task, startedMs)
      : await this.refuseUndecodable(record, decoding.error, startedMs);

    this.options.metrics?.processingSeconds.observe(
      { lane: 'none', outcome: outcome.label },
      (this.now() - startedMs) / 1000,
    );
    return outcome.records;
  };

  private async decode(record: ConsumedRecord): Promise<Decoding> {
    try {
      const { value } = await this.options.serde.decode<IntakeTask>(record.topic, record.value);
      return { ok: true, task: value };
    } catch (error) {
      if (isDsrError(error) && error.category === 'invalid_input') return { ok: false, error };
      throw error;
    }
  }

  private async refuseUndecodable(record: ConsumedRecord, error: DsrError, nowMs: number) {
    const origin = coordinatesOf(record);
    const received = await this.options.outputs.audit(
      { stage: 'received', occurred_at: nowMs },
      origin,
    );
    const ids = { requestId: null, traceId: trustworthyTraceId(null, record) };
    const quarantined = await this.quarantine(record, [error.code], error.message, ids, nowMs);
    return { label: 'quarantined', records: [received, ...quarantined] };
  }

  private async accept(record: ConsumedRecord, task: IntakeTask, nowMs: number) {
    const origin = coordinatesOf(record);
    const requestId = trustworthyId(task.request_id);
    const received = await this.options.outputs.audit(
      { stage: 'received', occurred_at: nowMs, request_id: requestId, source_system: null },
      origin,
    );

    const outcome = validateTask(task, this.options.rules, {
      nowMs,
      recordTimestampMs: Number(record.timestamp),
      subjectKeySecret: this.options.subjectKeySecret,
      headerTraceId: traceIdFromHeaders(record.headers),
      origin,
      newTraceId,
    });
    if (!outcome.ok) {
      const codes = outcome.violations.map((v) => v.code);
      const detail = outcome.violations.map((v) => v.detail).join('; ');
      const ids = { requestId, traceId: trustworthyTraceId(task.trace_id, record) };
      const quarantined = await this.quarantine(record, codes, detail, ids, nowMs);
      return { label: 'quarantined', records: [received, ...quarantined] };
    }

    return {
      label: 'accepted',
      records: [received, ...(await this.claimAndEmit(record, outcome.task, task))],
    };
  }

  private async claimAndEmit(record: ConsumedRecord, routed: RoutedTask, task: IntakeTask) {
    const origin = coordinatesOf(record);
    const claim = await this.options.accepted.claim(routed.request_id, this.digest(task), origin);

    if (claim.kind === 'duplicate') {
      const first = coordinatesKey(claim.first);
      this.taskLog(origin, idsOf(routed)).warn({ first }, 'duplicate request id skipped');
      const event = auditOf(
        routed,
        'duplicate',
        'DUPLICATE_REQUEST_ID',
        `already accepted from ${first}`,
      );
      return [await this.options.outputs.audit(event, origin)];
    }
    if (claim.kind === 'conflict') {
      const detail = `already accepted with different content from ${coordinatesKey(claim.first)}`;
      const codes = ['REQUEST_ID_CONFLICT'];
      return this.quarantine(record, codes, detail, idsOf(routed), routed.validated_at);
    }

    const produced = [
      await this.options.outputs.validated(routed),
      await this.options.outputs.audit(auditOf(routed, 'validated', null, null), origin),
    ];
    if (routed.deadline_passed)
      produced.push(await this.options.outputs.deadlinePassed(routed, origin));
    return produced;
  }

  private async quarantine(
    record: ConsumedRecord,
    reasonCodes: string[],
    detail: string,
    ids: TaskIds,
    nowMs: number,
  ): Promise<ProducedRecord[]> {
    const log = this.taskLog(coordinatesOf(record), ids);
    log.error({ reason_codes: reasonCodes }, 'intake record quarantined');
    for (const code of reasonCodes) this.options.metrics?.quarantined.inc({ reason_code: code });
    this.options.metrics?.alerts.inc({ kind: 'quarantine', severity: 'warning' });

    return this.options.outputs.quarantine({
      record,
      reasonCodes,
      detail,
      requestId: ids.requestId,
      schemaId: schemaIdOf(record.value),
      nowMs,
    });
  }

  /** A logger whose lines carry the record's coordinates and the task's request and trace ids. */
  private taskLog(origin: Coordinates, ids: TaskIds): Logger {
    return correlatedLogger(this.log, {
      ...origin,
      request_id: ids.requestId,
      trace_id: ids.traceId,
    });
  }

  /**
   * A keyed digest of what the upstream system said, to tell a resend from a different task
   * reusing a request id. Keyed, because the content includes the subject's email.
   */
  private digest(task: IntakeTask): string {
    const canonical = JSON.stringify([
      task.request_id,
      normaliseEmail(task.subject_email),
      task.action,
      task.source_system,
      task.priority,
      task.jurisdiction,
      task.received_at,
      task.deadline,
      Object.entries(task.changes ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    ]);
    return createHmac('sha256', this.options.subjectKeySecret).update(canonical).digest('hex');
  }
}

function auditOf(
  task: RoutedTask,
  stage: string,
  reasonCode: string | null,
  detail: string | null,
) {
  return {
    stage,
    request_id: task.request_id,
    subject_key: task.subject_key,
    trace_id: task.trace_id,
    source_system: task.source_system,
    action: task.action,
    reason_code: reasonCode,
    detail,
  };
}

function idsOf(task: RoutedTask): TaskIds {
  return { requestId: task.request_id, traceId: task.trace_id };
}

/**
 * The trace id of a task that failed validation, from its field or else the record's header,
 * when it is fit to log; validation has not vouched for it.
 */
function trustworthyTraceId(fieldTraceId: string | null, record: ConsumedRecord): string | null {
  return trustworthyId(fieldTraceId ?? traceIdFromHeaders(record.headers) ?? '');
}

/** A request id fit to appear in keys, logs and audit events, or null. */
function trustworthyId(id: string): string | null {
  return id.length > 0 && id.length <= MAX_ID_LENGTH && /^[\x21-\x7e]+$/.test(id) ? id : null;
}

/** The writer-schema id from a wire-format header, when the header is there. */
function schemaIdOf(value: Buffer | null): number | null {
  return value && value.length >= 5 && value[0] === 0 ? value.readInt32BE(1) : null;
}
