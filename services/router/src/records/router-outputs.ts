import { randomUUID } from 'node:crypto';
import {
  createAlert,
  createAuditEvent,
  type ConsumedRecord,
  type DsrError,
  type QuarantineRecord,
  traceHeaders,
  type AuditEventInput,
  type AvroSerde,
  type Coordinates,
  type Lane,
  type ProducedRecord,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';

/** The service name on every record the router writes. */
export const ROUTER_SERVICE = 'router';

/** Builds and encodes what the router produces: lane records and audit events. */
export class RouterOutputs {
  constructor(
    private readonly serde: AvroSerde,
    private readonly layout: TopicLayout,
  ) {}

  /** The topic of a lane. */
  laneTopic(lane: Lane): string {
    return lane === 'high' ? this.layout.topics.tasksHigh : this.layout.topics.tasksStandard;
  }

  /** A task on its lane, keyed by subject so one subject's tasks keep their order there. */
  async routed(task: RoutedTask): Promise<ProducedRecord> {
    const topic = this.laneTopic(task.lane ?? 'standard');
    return {
      topic,
      key: task.subject_key,
      value: await this.serde.encode(topic, task),
      headers: traceHeaders(task.trace_id),
    };
  }

  /** An audit event about a task, keyed by its request id. */
  async audit(
    task: RoutedTask,
    input: Omit<AuditEventInput, 'service'>,
    coordinates: Coordinates,
  ): Promise<ProducedRecord> {
    const event = createAuditEvent({
      service: ROUTER_SERVICE,
      request_id: task.request_id,
      subject_key: task.subject_key,
      trace_id: task.trace_id,
      lane: task.lane,
      source_system: task.source_system,
      action: task.action,
      coordinates,
      ...input,
    });
    return {
      topic: this.layout.topics.audit,
      key: task.request_id,
      value: await this.serde.encode(this.layout.topics.audit, event),
      headers: traceHeaders(task.trace_id),
    };
  }

  /** A warning that a held deletion was released before the access it waited for finished. */
  async holdExpired(task: RoutedTask, coordinates: Coordinates): Promise<ProducedRecord> {
    const alert = createAlert({
      service: ROUTER_SERVICE,
      severity: 'warning',
      kind: 'hold_expired',
      reason_code: 'HOLD_EXPIRED',
      summary: 'a deletion was released while an earlier access of its subject had no outcome yet',
      request_id: task.request_id,
      coordinates,
    });
    return {
      topic: this.layout.topics.alerts,
      key: task.request_id,
      value: await this.serde.encode(this.layout.topics.alerts, alert),
    };
  }

  /**
   * A record on the validated topic that does not decode: a defect upstream, kept byte for byte
   * in quarantine with an alert rather than dropped.
   */
  async quarantine(record: ConsumedRecord, error: DsrError): Promise<ProducedRecord[]> {
    const coordinates = { topic: record.topic, partition: record.partition, offset: record.offset };
    const key = `${record.topic}/${record.partition}/${record.offset}`;
    const quarantined: QuarantineRecord = {
      quarantine_id: randomUUID(),
      quarantined_at: Date.now(),
      ...coordinates,
      key: record.key,
      original: record.value ?? Buffer.alloc(0),
      reason_codes: [error.code],
      detail: error.message,
      request_id: null,
      schema_id: null,
    };
    const alert = createAlert({
      service: ROUTER_SERVICE,
      severity: 'critical',
      kind: 'quarantine',
      reason_code: error.code,
      summary: 'a validated task could not be decoded by the router',
      coordinates,
    });
    return [
      {
        topic: this.layout.topics.quarantine,
        key,
        value: await this.serde.encode(this.layout.topics.quarantine, quarantined),
      },
      {
        topic: this.layout.topics.alerts,
        key,
        value: await this.serde.encode(this.layout.topics.alerts, alert),
      },
    ];
  }
}
