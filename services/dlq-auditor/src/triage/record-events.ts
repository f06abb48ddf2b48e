import type { Pool } from 'pg';
import { DsrError } from '@dsr/shared';

/** What an operator did to a record; appended, never changed. */
export type RecordEventKind = 'note' | 'replayed' | 'resolved';

/** An event appended to a record. */
export interface RecordEvent {
  id: string;
  position: string;
  kind: RecordEventKind;
  principal: string;
  note: string | null;
  /** For a replay: where the task was produced, `topic/partition/offset`. */
  target: string | null;
  occurredAt: string;
}

/** An event to append. */
export interface NewRecordEvent {
  position: string;
  kind: RecordEventKind;
  principal: string;
  note?: string | null;
  target?: string | null;
}

/** Longest note accepted, in characters. */
export const MAX_NOTE_CHARS = 2000;

/** Appends an event to a record; NOT_FOUND when there is no record at that position. */
export async function appendRecordEvent(pool: Pool, event: NewRecordEvent): Promise<RecordEvent> {
  if (event.note && event.note.length > MAX_NOTE_CHARS) {
    throw new DsrError('VALIDATION_FAILED', `a note holds at most ${MAX_NOTE_CHARS} characters`, {
      context: { position: event.position },
    });
  }

  try {
    const { rows } = await pool.query<EventRow>(
      `INSERT INTO auditor.record_event (position, kind, principal, note, target)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [event.position, event.kind, event.principal, event.note ?? null, event.target ?? null],
    );
    return toEvent(rows[0]!);
  } catch (error) {
    // 23503 foreign_key_violation: the position names no record.
    if ((error as { code?: string }).code === '23503') {
      throw new DsrError('NOT_FOUND', `no record at position ${event.position}`, {
        context: { position: event.position },
      });
    }
    throw error;
  }
}

/** A record's events, oldest first. */
export async function listRecordEvents(pool: Pool, position: string): Promise<RecordEvent[]> {
  const { rows } = await pool.query<EventRow>(
    'SELECT * FROM auditor.record_event WHERE position = $1 ORDER BY id',
    [position],
  );
  return rows.map(toEvent);
}

interface EventRow {
  id: string;
  position: string;
  kind: RecordEventKind;
  principal: string;
  note: string | null;
  target: string | null;
  occurred_at: Date;
}

function toEvent(row: EventRow): RecordEvent {
  return {
    id: row.id,
    position: row.position,
    kind: row.kind,
    principal: row.principal,
    note: row.note,
    target: row.target,
    occurredAt: row.occurred_at.toISOString(),
  };
}
