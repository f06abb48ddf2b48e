import { DsrError, type Coordinates } from '@dsr/shared';
import type { Pool } from 'pg';

/**
 * What claiming a request id found:
 * - `new`: nobody had it; this record now owns it;
 * - `same_record`: this very intake record owns it already (an earlier attempt at its transaction
 *   was aborted or its answer lost), so it is processed again as the owner;
 * - `duplicate`: another intake record with the same content owns it (an upstream resend);
 * - `conflict`: another intake record with different content owns it (an upstream defect).
 */
export type ClaimOutcome =
  | { kind: 'new' }
  | { kind: 'same_record' }
  | { kind: 'duplicate'; first: Coordinates }
  | { kind: 'conflict'; first: Coordinates };

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS ingest_accepted_requests (
    request_id     text        PRIMARY KEY,
    content_digest text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    "offset"       bigint      NOT NULL,
    accepted_at    timestamptz NOT NULL DEFAULT now()
  )`;

const CREATE_AGE_INDEX = `
  CREATE INDEX IF NOT EXISTS ingest_accepted_requests_age
    ON ingest_accepted_requests (accepted_at)`;

const INSERT = `
  INSERT INTO ingest_accepted_requests (request_id, content_digest, topic, partition, "offset")
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (request_id) DO NOTHING`;

const SELECT = `
  SELECT content_digest, topic, partition, "offset"::text AS "offset"
  FROM ingest_accepted_requests WHERE request_id = $1`;

/**
 * The request ids ingest has accepted, in PostgreSQL, for duplicate detection that survives
 * restarts and holds across instances.
 *
 * Why PostgreSQL rather than a compacted topic written in the same Kafka transaction: one request
 * id may arrive on any intake partition, so instances owning different partitions must see each
 * other's claims at once. A primary key gives that atomically; a compacted topic would need every
 * instance to hold the whole table in memory and would still race between two instances.
 *
 * The claim is not in the Kafka transaction, so it remembers the intake record's coordinates: if
 * the transaction aborts after the claim, the same record comes back, finds its own claim
 * (`same_record`) and goes on, so a crash can never turn a task into a "duplicate" of itself.
 */
export class AcceptedRequests {
  constructor(private readonly pool: Pool) {}

  /** Creates the table if it is missing; safe to run from every instance at every start. */
  async migrate(): Promise<void> {
    await this.run(async () => {
      await this.pool.query(CREATE_TABLE);
      await this.pool.query(CREATE_AGE_INDEX);
    });
  }

  /** Claims a request id for one intake record; see {@link ClaimOutcome}. */
  async claim(
    requestId: string,
    contentDigest: string,
    origin: Coordinates,
  ): Promise<ClaimOutcome> {
    return this.run(async () => {
      const params = [requestId, contentDigest, origin.topic, origin.partition, origin.offset];
      const inserted = await this.pool.query(INSERT, params);
      if (inserted.rowCount === 1) return { kind: 'new' };

      const { rows } = await this.pool.query<{
        content_digest: string;
        topic: string;
        partition: number;
        offset: string;
      }>(SELECT, [requestId]);
      const owner = rows[0];
      if (!owner) return { kind: 'new' };

      const first = { topic: owner.topic, partition: owner.partition, offset: owner.offset };
      const sameRecord =
        owner.topic === origin.topic &&
        owner.partition === origin.partition &&
        owner.offset === origin.offset;
      if (sameRecord) return { kind: 'same_record' };

      return owner.content_digest === contentDigest
        ? { kind: 'duplicate', first }
        : { kind: 'conflict', first };
    });
  }

  /** Forgets request ids accepted more than `retentionDays` ago; returns how many. */
  async purge(retentionDays: number): Promise<number> {
    return this.run(async () => {
      const result = await this.pool.query(
        `DELETE FROM ingest_accepted_requests
          WHERE accepted_at < now() - make_interval(days => $1)`,
        [retentionDays],
      );
      return result.rowCount ?? 0;
    });
  }

  private async run<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (cause) {
      throw new DsrError('DATABASE_UNAVAILABLE', 'the accepted-requests table could not be used', {
        cause,
      });
    }
  }
}
