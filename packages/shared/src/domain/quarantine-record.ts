/**
 * An intake record that was refused (schemas/quarantine-record.avsc): its bytes exactly as
 * received, where it came from, and every reason. `original` may hold personal data; `detail`
 * never does.
 */
export interface QuarantineRecord {
  quarantine_id: string;
  quarantined_at: number;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  original: Buffer;
  reason_codes: string[];
  detail: string;
  request_id: string | null;
  schema_id: number | null;
}
