import {
  correlatedLogger,
  DsrError,
  isDsrError,
  type AuditEvent,
  type AvroSerde,
  type ConsumedRecord,
  type Coordinates,
  type Logger,
  type PipelineMetrics,
  type ProducedRecord,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import type { HeldTaskCipher } from '../ordering/held-task-cipher';
import type { HoldLimits, OrderingStore, ReleasedDeletion } from '../ordering/ordering-store';
import type { RouterOutputs } from '../records/router-outputs';
import { chooseLane, type LaneRules } from '../route/choose-lane';

/** Audit stages after which a task will not run again. */
const FINAL_STAGES: ReadonlySet<string> = new Set(['succeeded', 'dead_lettered']);

/** The collaborators and rules of {@link RouterTransform}. */
export interface RouterTransformOptions {
  serde: AvroSerde;
  layout: TopicLayout;
  outputs: RouterOutputs;
  store: OrderingStore;
  cipher: HeldTaskCipher;
  rules: LaneRules;
  holdDeletionsBehindAccess: boolean;
  holdLimits: HoldLimits;
  /** How often expired holds are looked for, ms. */
  holdCheckIntervalMs: number;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** The clock, epoch milliseconds; default Date.now. */
  now?: () => number;
}

/**
 * Routes validated tasks to their lanes and keeps deletions behind earlier accesses of the same
 * subject and source system: it reads the validated topic (tasks to route) and the audit topic
 * (outcomes that may release a held deletion) in one consumer group.
 */
export class RouterTransform {
  private readonly log: Logger;
  private readonly now: () => number;
  private nextHoldCheckMs = 0;

  constructor(private readonly options: RouterTransformOptions) {
    this.log = options.logger.child({ component: 'router' });
    this.now = options.now ?? Date.now;
  }

  /** The transform the transactional processor runs for each consumed record. */
  readonly transform = async (record: ConsumedRecord): Promise<ProducedRecord[]> => {
    if (record.topic === this.options.layout.topics.audit) return this.onAudit(record);

    return this.onValidated(record);
  };

  private async onValidated(record: ConsumedRecord): Promise<ProducedRecord[]> {
    const startedMs = this.now();
    const decoded = await this.decode<RoutedTask>(record);
    if (decoded instanceof DsrError) return this.options.outputs.quarantine(record, decoded);

    const task = decoded;
    const origin = coordinatesOf(record);
    if (task.action === 'deletion' && this.options.holdDeletionsBehindAccess) {
      return this.routeDeletion(task, origin, startedMs);
    }

    if (task.action === 'access' && this.options.holdDeletionsBehindAccess) {
      await this.options.store.recordAccess(task);
    }
    return this.route(task, origin, startedMs, null);
  }

  private async routeDeletion(task: RoutedTask, origin: Coordinates, startedMs: number) {
    const plain = await this.options.serde.encode(this.options.layout.topics.validated, task);
    const sealed = this.options.cipher.seal(plain, task.request_id);
    const decision = await this.options.store.decideDeletion(task, sealed);

    if (decision.kind === 'route') return this.route(task, origin, startedMs, null);
    if (decision.kind === 'already_released') return [];

    const log = this.taskLog(task, origin);
    log.info({ awaiting: decision.awaiting }, 'deletion held behind access');
    const detail = `waiting for ${decision.awaiting} earlier access task(s) of this subject and source`;
    return [
      await this.options.outputs.audit(
        task,
        { stage: 'held', reason_code: 'ACCESS_PENDING', detail },
        origin,
      ),
    ];
  }

  private async route(
    task: RoutedTask,
    origin: Coordinates,
    startedMs: number,
    releasedBy: string | null,
  ) {
    const { lane, reason } = chooseLane(task, this.options.rules, startedMs);
    const routed: RoutedTask = { ...task, lane, routed_at: startedMs };
    const detail = releasedBy ? `${reason}; released (${releasedBy})` : reason;
    this.taskLog(routed, origin).debug('task routed');

    this.options.metrics?.processingSeconds.observe(
      { lane, outcome: 'routed' },
      (this.now() - startedMs) / 1000,
    );
    return [
      await this.options.outputs.routed(routed),
      await this.options.outputs.audit(routed, { stage: 'routed', detail }, origin),
    ];
  }

  /**
   * An audit record may finish an access, and its processing is also when expired holds are
   * looked for. Whatever it releases is tagged with its coordinates and read back by them, so a
   * replay of the record after an aborted transaction emits the same releases again.
   */
  private async onAudit(record: ConsumedRecord): Promise<ProducedRecord[]> {
    if (!this.options.holdDeletionsBehindAccess) return [];

    const event = await this.decode<AuditEvent>(record);
    const origin = coordinatesOf(record);
    const at = coordinatesText(origin);
    if (!(event instanceof DsrError) && finishesAccess(event)) {
      await this.options.store.completeAccess(event.request_id!, at);
    }
    if (this.now() >= this.nextHoldCheckMs) {
      this.nextHoldCheckMs = this.now() + this.options.holdCheckIntervalMs;
      await this.options.store.releaseExpired(at, this.options.holdLimits);
    }

    const produced: ProducedRecord[] = [];
    for (const held of await this.options.store.releasedBy(at)) {
      produced.push(...(await this.release(held, origin)));
    }
    return produced;
  }

  private async release(held: ReleasedDeletion, origin: Coordinates): Promise<ProducedRecord[]> {
    const plain = this.options.cipher.open(held.sealedTask, held.requestId);
    const topic = this.options.layout.topics.validated;
    const { value: task } = await this.options.serde.decode<RoutedTask>(topic, plain);
    const expired = held.reason === 'hold_expired';
    const log = this.taskLog(task, origin);
    const fields = { reason: held.reason };
    if (expired) log.warn(fields, 'held deletion released before its access finished');
    else log.info(fields, 'held deletion released');

    const reasonCode = expired ? 'HOLD_EXPIRED' : null;
    const released = [
      await this.options.outputs.audit(
        task,
        { stage: 'released', reason_code: reasonCode },
        origin,
      ),
      ...(await this.route(task, origin, this.now(), held.reason)),
    ];
    if (expired) released.push(await this.options.outputs.holdExpired(task, origin));
    return released;
  }

  /**
   * A logger whose lines about one task carry its request and trace ids, lane and source system,
   * and the coordinates of the record being processed, as every service's lines about a task do.
   */
  private taskLog(task: RoutedTask, origin: Coordinates): Logger {
    return correlatedLogger(this.log, {
      ...origin,
      request_id: task.request_id,
      trace_id: task.trace_id,
      lane: task.lane,
      source_system: task.source_system,
    });
  }

  /**
   * Decodes a record written by the pipeline itself. One that does not decode is a defect
   * upstream: it is logged with its coordinates and returned as the error, so that it cannot
   * stall the partition and a task among them is quarantined rather than lost.
   */
  private async decode<T>(record: ConsumedRecord): Promise<T | DsrError> {
    try {
      return (await this.options.serde.decode<T>(record.topic, record.value)).value;
    } catch (error) {
      if (!isDsrError(error) || error.category !== 'invalid_input') throw error;

      this.log.error({ err: error, ...coordinatesOf(record) }, 'pipeline record not decodable');
      return error;
    }
  }
}

function finishesAccess(event: AuditEvent): boolean {
  if (!FINAL_STAGES.has(event.stage) || event.request_id === null) return false;

  return event.action === null || event.action === 'access';
}

function coordinatesOf(record: ConsumedRecord): Coordinates {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

function coordinatesText(c: Coordinates): string {
  return `${c.topic}/${c.partition}/${c.offset}`;
}
