import { DsrError, type RoutedTask } from '@dsr/shared';
import type { Pool, PoolClient } from 'pg';

/** What the store decided for a deletion. */
export type DeletionDecision =
  { kind: 'route' } | { kind: 'held'; awaiting: number } | { kind: 'already_released' };

/** Why a held deletion was let go. */
export type ReleaseReason = 'access_finished' | 'hold_expired';

/** A held deletion let go, with its sealed task. */
export interface ReleasedDeletion {
  requestId: string;
  sealedTask: Buffer;
  reason: ReleaseReason;
}

/** When a hold ends even though the accesses it waits for have not finished. */
export interface HoldLimits {
  /** The longest a deletion is held, ms. */
  maxHoldMs: number;
  /** A deletion is released once its own deadline is this close, ms. */
  deadlineGuardMs: number;
}

const MIGRATION = [
  `CREATE TABLE IF NOT EXISTS router_pending_access (
     seq            bigserial   UNIQUE,
     request_id     text        PRIMARY KEY,
     subject_key    text        NOT NULL,
     source_system  text        NOT NULL,
     routed_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS router_pending_access_subject
     ON router_pending_access (subject_key, source_system, seq)`,
  `CREATE TABLE IF NOT EXISTS router_held_deletion (
     request_id     text        PRIMARY KEY,
     subject_key    text        NOT NULL,
     source_system  text        NOT NULL,
     sealed_task    bytea       NOT NULL,
     awaits_seq     bigint      NOT NULL,
     deadline       timestamptz NOT NULL,
     held_at        timestamptz NOT NULL DEFAULT now(),
     released_at    timestamptz,
     released_by    text,
     release_reason text
   )`,
  `CREATE INDEX IF NOT EXISTS router_held_deletion_waiting
     ON router_held_deletion (subject_key, source_system) WHERE released_at IS NULL`,
  `CREATE INDEX IF NOT EXISTS router_held_deletion_released_by
     ON router_held_deletion (released_by) WHERE released_by IS NOT NULL`,
];

// One subject and source system at a time: a deletion's decision and an access's completion
// must not interleave, or a deletion could be held just after its last access was released.
const LOCK_SUBJECT = `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))`;

const RELEASE_EXPIRED = `
  UPDATE router_held_deletion
     SET released_at = now(), released_by = $1, release_reason = 'hold_expired'
   WHERE released_at IS NULL
     AND (held_at < now() - make_interval(secs => $2::double precision / 1000)
          OR deadline < now() + make_interval(secs => $3::double precision / 1000))`;

const RELEASE = `
  UPDATE router_held_deletion h
     SET released_at = now(), released_by = $3, release_reason = 'access_finished'
   WHERE h.subject_key = $1 AND h.source_system = $2 AND h.released_at IS NULL
     AND NOT EXISTS (
       SELECT 1 FROM router_pending_access p
        WHERE p.subject_key = h.subject_key AND p.source_system = h.source_system
          AND p.seq <= h.awaits_seq)`;

/**
 * The router's memory of access tasks still running and deletions waiting for them, in
 * PostgreSQL. Every method is safe to repeat for the same input record: the Kafka transaction
 * that carries its output commits after this store, so an aborted transaction replays the record
 * and must get the same answer. Releases are therefore tagged with the coordinates of the audit
 * record that caused them and re-read by those coordinates.
 */
export class OrderingStore {
  constructor(private readonly pool: Pool) {}

  /** Creates the tables if missing; safe from every instance at every start. */
  async migrate(): Promise<void> {
    await this.run(async () => {
      for (const statement of MIGRATION) await this.pool.query(statement);
    });
  }

  /** Remembers an access task as running until its outcome is seen. */
  async recordAccess(task: RoutedTask): Promise<void> {
    await this.run(() =>
      this.pool.query(
        `INSERT INTO router_pending_access (request_id, subject_key, source_system)
         VALUES ($1, $2, $3) ON CONFLICT (request_id) DO NOTHING`,
        [task.request_id, task.subject_key, task.source_system],
      ),
    );
  }

  /** Holds a deletion while earlier accesses of its subject and source system run. */
  async decideDeletion(task: RoutedTask, sealedTask: Buffer): Promise<DeletionDecision> {
    return this.transaction(task.subject_key, task.source_system, async (client) => {
      const held = await client.query<{ released: boolean; awaits_seq: string }>(
        `SELECT released_at IS NOT NULL AS released, awaits_seq FROM router_held_deletion
          WHERE request_id = $1`,
        [task.request_id],
      );
      const previous = held.rows[0];
      if (previous?.released) return { kind: 'already_released' };

      const awaitsSeq = previous?.awaits_seq ?? (await this.latestAccessSeq(client, task));
      const awaiting = await this.countAwaited(client, task, awaitsSeq);
      if (awaiting === 0 && !previous) return { kind: 'route' };

      await client.query(
        `INSERT INTO router_held_deletion
           (request_id, subject_key, source_system, sealed_task, awaits_seq, deadline)
         VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision / 1000))
         ON CONFLICT (request_id) DO NOTHING`,
        [
          task.request_id,
          task.subject_key,
          task.source_system,
          sealedTask,
          awaitsSeq,
          task.deadline,
        ],
      );
      return { kind: 'held', awaiting };
    });
  }

  /**
   * Marks an access task finished and releases, tagged with the audit record's coordinates, the
   * deletions no longer waiting for anything. Does nothing for a request id it does not know.
   */
  async completeAccess(requestId: string, auditCoordinates: string): Promise<void> {
    await this.run(async () => {
      const found = await this.pool.query<{ subject_key: string; source_system: string }>(
        `SELECT subject_key, source_system FROM router_pending_access WHERE request_id = $1`,
        [requestId],
      );
      const access = found.rows[0];
      if (!access) return;

      await this.transaction(access.subject_key, access.source_system, async (client) => {
        await client.query(`DELETE FROM router_pending_access WHERE request_id = $1`, [requestId]);
        await client.query(RELEASE, [access.subject_key, access.source_system, auditCoordinates]);
      });
    });
  }

  /**
   * Releases, tagged with the audit record's coordinates, every deletion held longer than the
   * limit or whose own deadline is near: an access that never reports an outcome must not keep
   * a deletion past its legal deadline.
   */
  async releaseExpired(auditCoordinates: string, limits: HoldLimits): Promise<void> {
    await this.run(() =>
      this.pool.query(RELEASE_EXPIRED, [
        auditCoordinates,
        limits.maxHoldMs,
        limits.deadlineGuardMs,
      ]),
    );
  }

  /** Every deletion released while processing the audit record at these coordinates. */
  async releasedBy(auditCoordinates: string): Promise<ReleasedDeletion[]> {
    return this.run(async () => {
      const { rows } = await this.pool.query<{
        request_id: string;
        sealed_task: Buffer;
        release_reason: ReleaseReason;
      }>(
        `SELECT request_id, sealed_task, release_reason FROM router_held_deletion
          WHERE released_by = $1 ORDER BY held_at, request_id`,
        [auditCoordinates],
      );
      return rows.map((r) => ({
        requestId: r.request_id,
        sealedTask: r.sealed_task,
        reason: r.release_reason,
      }));
    });
  }

  private async latestAccessSeq(client: PoolClient, task: RoutedTask): Promise<string> {
    const { rows } = await client.query<{ seq: string | null }>(
      `SELECT max(seq)::text AS seq FROM router_pending_access
        WHERE subject_key = $1 AND source_system = $2`,
      [task.subject_key, task.source_system],
    );
    return rows[0]?.seq ?? '0';
  }

  private async countAwaited(
    client: PoolClient,
    task: RoutedTask,
    awaitsSeq: string,
  ): Promise<number> {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM router_pending_access
        WHERE subject_key = $1 AND source_system = $2 AND seq <= $3`,
      [task.subject_key, task.source_system, awaitsSeq],
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async transaction<T>(
    subjectKey: string,
    sourceSystem: string,
    body: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.run(async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(LOCK_SUBJECT, [subjectKey, sourceSystem]);
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  private async run<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (cause) {
      if (cause instanceof DsrError) throw cause;
      throw new DsrError('DATABASE_UNAVAILABLE', 'the router ordering tables could not be used', {
        cause,
      });
    }
  }
}
