import { randomUUID } from 'node:crypto';
import type { Coordinates } from './coordinates';

/** warning: act within the working day; critical: act now. */
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

/** The fields an alert needs; the rest default to null. */
export type AlertInput = Pick<Alert, 'service' | 'severity' | 'kind' | 'reason_code' | 'summary'> &
  Partial<Omit<Alert, 'service' | 'severity' | 'kind' | 'reason_code' | 'summary'>>;

/** A complete alert with a fresh id and, unless given, the current time. */
export function createAlert(input: AlertInput): Alert {
  return {
    alert_id: randomUUID(),
    occurred_at: Date.now(),
    request_id: null,
    coordinates: null,
    ...input,
  };
}
