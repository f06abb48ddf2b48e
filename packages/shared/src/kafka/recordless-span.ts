import type { ConsumerEndBatchProcessEvent } from 'kafkajs';

/**
 * A stretch of one partition, seen in one group generation, that holds no record to process:
 * transaction markers and records of aborted transactions.
 */
export interface RecordlessSpan {
  topic: string;
  partition: number;
  firstOffset: bigint;
  lastOffset: bigint;
  generation: number;
}

/**
 * The span of a fetched batch that held no record to process, or undefined for any other batch.
 * kafkajs hands such a batch to no `eachBatch` call; it moves its fetch position past it and
 * reports it only through the end-of-batch event, with no records and the batch's first and last
 * offsets.
 */
export function recordlessSpanOf(
  payload: ConsumerEndBatchProcessEvent['payload'],
  generation: number,
): RecordlessSpan | undefined {
  const firstOffset = payload.firstOffset as string | null;
  if (payload.batchSize > 0 || firstOffset === null) return undefined;

  return {
    topic: payload.topic,
    partition: payload.partition,
    firstOffset: BigInt(firstOffset),
    lastOffset: BigInt(payload.lastOffset),
    generation,
  };
}

/**
 * Whether committing past `span` is due, given the partition's first uncommitted offset
 * (-1 when the group has none): not when the commit already reaches past the span, and not when
 * it stops short of the span, which must not hide records nobody has processed.
 */
export function spanNeedsCommit(span: RecordlessSpan, nextOffset: bigint): boolean {
  const reachesSpan = nextOffset < 0n || nextOffset >= span.firstOffset;
  return nextOffset < span.lastOffset + 1n && reachesSpan;
}
