/** What one measurement learns that a later one needs. */
export interface BenchFindings {
  ceiling?: {
    /** Encoded size of a representative intake task, wire-format header included. */
    recordBytes: number;
    producerRecordsPerSec: number;
    consumerRecordsPerSec: number;
  };
}
