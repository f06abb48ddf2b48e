import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** A record taken from an input topic, with its coordinates. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Record timestamp, epoch milliseconds as a string (as Kafka gives it). */
  timestamp: string;
  headers: IHeaders;
}

/** A record to write in the same transaction that commits the consumed record's offset. */
export interface ProducedRecord {
  topic: string;
  key: string | Buffer | null;
  value: Buffer;
  headers?: IHeaders;
}

/**
 * Turns one consumed record into the records to produce. It must not throw for bad input (that
 * is a record for a quarantine topic); a thrown error aborts the transaction. Retriable
 * {@link DsrError}s are retried with backoff; any other error stops the processor with `crash`.
 * It may run more than once for one record (after an aborted transaction), so side effects it
 * has outside Kafka must be idempotent.
 */
export type TransformRecord = (record: ConsumedRecord) => Promise<ProducedRecord[]>;

/** The record kafkajs fetched, with its coordinates and absent parts made explicit. */
export function toConsumedRecord(
  topic: string,
  partition: number,
  message: KafkaMessage,
): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: message.timestamp,
    headers: message.headers ?? {},
  };
}

/** Groups records by topic, in order, as a producer's `sendBatch` takes them. */
export function byTopic(records: ProducedRecord[]): { topic: string; messages: Message[] }[] {
  const groups = new Map<string, Message[]>();
  for (const record of records) {
    const messages = groups.get(record.topic) ?? [];
    messages.push({ key: record.key, value: record.value, headers: record.headers });
    groups.set(record.topic, messages);
  }
  return [...groups].map(([topic, messages]) => ({ topic, messages }));
}
