import {
  createAlert,
  createAuditEvent,
  traceHeaders,
  type Alert,
  type AuditEventInput,
  type AvroSerde,
  type ConsumedRecord,
  type Coordinates,
  type ProducedRecord,
  type QuarantineRecord,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import { randomUUID } from 'node:crypto';

/** The service name on every record ingest writes. */
export const INGEST_SERVICE = 'ingest';

/** The coordinates of a consumed record. */
export function coordinatesOf(record: ConsumedRecord): Coordinates {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

/**
 * The key of records about one intake record when its request id cannot be trusted: its
 * coordinates, which carry no personal data and keep its quarantine, alert and audit records
 * together.
 */
export function coordinatesKey(origin: Coordinates): string {
  return `${origin.topic}/${origin.partition}/${origin.offset}`;
}

/** What a quarantine writes besides the log line: the record, an alert and an audit event. */
export interface QuarantineInput {
  record: ConsumedRecord;
  reasonCodes: string[];
  detail: string;
  requestId: string | null;
  schemaId: number | null;
  nowMs: number;
}

/** Builds the typed records ingest produces and encodes them for their topics. */
export class IngestOutputs {
  constructor(
    private readonly serde: AvroSerde,
    private readonly layout: TopicLayout,
  ) {}

  /** The validated task, keyed by its subject so one subject's tasks stay in order. */
  async validated(task: RoutedTask): Promise<ProducedRecord> {
    return {
      topic: this.layout.topics.validated,
      key: task.subject_key,
      value: await this.serde.encode(this.layout.topics.validated, task),
      headers: traceHeaders(task.trace_id),
    };
  }

  /** An audit event, keyed by request id when there is one, else by the record's coordinates. */
  async audit(
    input: Omit<AuditEventInput, 'service'>,
    origin: Coordinates,
  ): Promise<ProducedRecord> {
    const event = createAuditEvent({ service: INGEST_SERVICE, coordinates: origin, ...input });
    return {
      topic: this.layout.topics.audit,
      key: event.request_id ?? coordinatesKey(origin),
      value: await this.serde.encode(this.layout.topics.audit, event),
      headers: event.trace_id ? traceHeaders(event.trace_id) : undefined,
    };
  }

  /** The quarantine record with the original bytes, its alert, and the `quarantined` event. */
  async quarantine(input: QuarantineInput): Promise<ProducedRecord[]> {
    const origin = coordinatesOf(input.record);
    const reasonCode = input.reasonCodes[0] ?? 'VALIDATION_FAILED';
    const quarantined: QuarantineRecord = {
      quarantine_id: randomUUID(),
      quarantined_at: input.nowMs,
      ...origin,
      key: input.record.key,
      original: input.record.value ?? Buffer.alloc(0),
      reason_codes: input.reasonCodes,
      detail: input.detail,
      request_id: input.requestId,
      schema_id: input.schemaId,
    };
    const event = {
      stage: 'quarantined',
      request_id: input.requestId,
      reason_code: reasonCode,
      detail: input.detail,
    };

    return [
      {
        topic: this.layout.topics.quarantine,
        key: coordinatesKey(origin),
        value: await this.serde.encode(this.layout.topics.quarantine, quarantined),
      },
      await this.alert(quarantineAlert(input, origin, reasonCode)),
      await this.audit(event, origin),
    ];
  }

  /** The critical alert for a task accepted with its deadline already passed. */
  async deadlinePassed(task: RoutedTask, origin: Coordinates): Promise<ProducedRecord> {
    return this.alert(
      createAlert({
        service: INGEST_SERVICE,
        severity: 'critical',
        kind: 'deadline_at_risk',
        reason_code: 'DEADLINE_EXCEEDED',
        summary: `task accepted after its ${task.jurisdiction} deadline had passed`,
        request_id: task.request_id,
        coordinates: origin,
      }),
    );
  }

  private async alert(alert: Alert): Promise<ProducedRecord> {
    const key = alert.request_id ?? (alert.coordinates ? coordinatesKey(alert.coordinates) : null);
    return {
      topic: this.layout.topics.alerts,
      key,
      value: await this.serde.encode(this.layout.topics.alerts, alert),
    };
  }
}

function quarantineAlert(input: QuarantineInput, origin: Coordinates, reasonCode: string): Alert {
  const conflict = input.reasonCodes.includes('REQUEST_ID_CONFLICT');
  return createAlert({
    service: INGEST_SERVICE,
    severity: 'warning',
    kind: conflict ? 'request_id_conflict' : 'quarantine',
    reason_code: reasonCode,
    summary: `intake record quarantined: ${input.reasonCodes.join(', ')}`,
    request_id: input.requestId,
    coordinates: origin,
    occurred_at: input.nowMs,
  });
}
