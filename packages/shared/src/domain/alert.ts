import type { Coordinates } from './coordinates';

export type AlertSeverity = 'warning' | 'critical';

/** Something a person must look at (schemas/alert.avsc). No personal data. */
export interface Alert {
  alert_id: string;
  occurred_at: number;
  service: string;
  severity: AlertSeverity;
  /** e.g. quarantine, dead_letter, deadline_at_risk, request_id_conflict. */
  kind: string;
  reason_code: string;
  summary: string;
  request_id: string | null;
  coordinates: Coordinates | null;
}
