import type { RoutedTask } from '@dsr/shared';
import type { RecordPosition } from './outbound-record';

/** Header names on records put on retry tiers, readable without decoding the value. */
export const RETRY_HEADERS = Object.freeze({
  attempt: 'dsr-attempt',
  firstFailureAt: 'dsr-first-failure-at',
  lastErrorCategory: 'dsr-last-error-category',
  lastErrorCode: 'dsr-last-error-code',
  notBefore: 'dsr-not-before',
  originalTopic: 'dsr-original-topic',
  originalPartition: 'dsr-original-partition',
  originalOffset: 'dsr-original-offset',
  requestId: 'dsr-request-id',
});

/** Headers as kafkajs delivers them. */
export type IncomingHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** A header's value as text. */
export function headerText(headers: IncomingHeaders | undefined, name: string): string | undefined {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : first.toString();
}

/**
 * Where the task first entered the poller: carried forward from the record's headers when it
 * came from a retry tier, otherwise the record's own position on its lane.
 */
export function originalPosition(
  headers: IncomingHeaders | undefined,
  position: RecordPosition,
): RecordPosition {
  const topic = headerText(headers, RETRY_HEADERS.originalTopic);
  const partition = headerText(headers, RETRY_HEADERS.originalPartition);
  const offset = headerText(headers, RETRY_HEADERS.originalOffset);
  if (topic === undefined || partition === undefined || offset === undefined) return position;

  return { topic, partition: Number(partition), offset: Number(offset) };
}

/** The headers of a task put on a retry or delay tier. Identifiers only. */
export function retryHeaders(task: RoutedTask, original: RecordPosition): Record<string, string> {
  const headers: Record<string, string> = {
    [RETRY_HEADERS.attempt]: String(task.attempt),
    [RETRY_HEADERS.originalTopic]: original.topic,
    [RETRY_HEADERS.originalPartition]: String(original.partition),
    [RETRY_HEADERS.originalOffset]: String(original.offset),
    [RETRY_HEADERS.requestId]: task.request_id,
  };
  if (task.first_failure_at !== null)
    headers[RETRY_HEADERS.firstFailureAt] = String(task.first_failure_at);
  if (task.last_error_category !== null)
    headers[RETRY_HEADERS.lastErrorCategory] = task.last_error_category;
  if (task.last_error_code !== null) headers[RETRY_HEADERS.lastErrorCode] = task.last_error_code;
  if (task.not_before !== null) headers[RETRY_HEADERS.notBefore] = String(task.not_before);
  return headers;
}
