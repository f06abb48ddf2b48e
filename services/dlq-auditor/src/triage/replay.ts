import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import {
  DsrError,
  type AuditEvent,
  type AvroSerde,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import type { Keyring } from '../crypto/keyring';
import { appendRecordEvent } from './record-events';
import { readPersonal } from './record-reader';

/** What a replay reads from and produces with. */
export interface ReplayDependencies {
  pool: Pool;
  keyring: Keyring;
  producer: Producer;
  serde: AvroSerde;
  layout: TopicLayout;
}

/** Where a replayed task was produced. */
export interface ReplayOutcome {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Sends a dead-lettered task back to its priority lane as a fresh attempt: the attempt and
 * deferral counters, the polling state and any due time are reset and the replay count grows (so
 * the source sees a new job, not the failed one); everything else, the trace id and deadline
 * included, is kept so the task stays traceable to its original request. The replay
 * is appended to the record's events and announced on the audit topic.
 */
export async function replayRecord(
  deps: ReplayDependencies,
  position: string,
  principal: string,
): Promise<ReplayOutcome> {
  const { record, personal } = await readPersonal(deps.pool, position, deps.keyring);
  const task = personal.task as RoutedTask | undefined;
  if (record.kind !== 'dead_letter' || !task) {
    throw new DsrError(
      'RECORD_NOT_REPLAYABLE',
      `record ${position} is a ${record.kind} record, not a dead letter`,
      {
        context: { position, kind: record.kind },
      },
    );
  }

  const topic =
    task.lane === 'high' || record.lane === 'high'
      ? deps.layout.topics.tasksHigh
      : deps.layout.topics.tasksStandard;
  const replayed: RoutedTask = {
    ...task,
    attempt: 0,
    deferrals: 0,
    poll: null,
    not_before: null,
    replays: (task.replays ?? 0) + 1,
  };
  const value = await deps.serde.encode(topic, replayed);
  const [metadata] = await deps.producer.send({
    topic,
    messages: [{ key: task.subject_key, value }],
  });
  const outcome = {
    topic,
    partition: metadata?.partition ?? -1,
    offset: metadata?.baseOffset ?? '-1',
  };

  const target = `${outcome.topic}/${outcome.partition}/${outcome.offset}`;
  await appendRecordEvent(deps.pool, { position, kind: 'replayed', principal, target });
  await announceReplay(deps, task, outcome);
  return outcome;
}

async function announceReplay(
  deps: ReplayDependencies,
  task: RoutedTask,
  outcome: ReplayOutcome,
): Promise<void> {
  const event: AuditEvent = {
    event_id: randomUUID(),
    occurred_at: Date.now(),
    service: 'dlq-auditor',
    stage: 'replayed',
    request_id: task.request_id,
    subject_key: task.subject_key,
    trace_id: task.trace_id,
    lane: task.lane,
    source_system: task.source_system,
    action: task.action,
    attempt: 0,
    reason_code: null,
    detail: 'replayed from the dead-letter store by an operator',
    result_digest: null,
    result_bytes: null,
    coordinates: outcome,
  };
  const topic = deps.layout.topics.audit;
  await deps.producer.send({
    topic,
    messages: [{ key: task.request_id, value: await deps.serde.encode(topic, event) }],
  });
}
