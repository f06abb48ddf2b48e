/** A record to produce as part of a task's outcome; its value is encoded for its topic. */
export interface OutboundRecord {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/** Where a consumed record sits. Offsets are numbers here; Kafka's fit well below 2^53. */
export interface RecordPosition {
  topic: string;
  partition: number;
  offset: number;
}
