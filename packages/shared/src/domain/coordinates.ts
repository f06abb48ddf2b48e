/** Where a record sits in Kafka. The offset is a decimal string because offsets are 64-bit. */
export interface Coordinates {
  topic: string;
  partition: number;
  offset: string;
}
