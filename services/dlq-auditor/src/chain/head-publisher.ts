import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { AuditEvent, AvroSerde, Logger } from '@dsr/shared';
import { chainHead } from './verify-chain';

/** Where heads are read from and published to. */
export interface HeadPublisherOptions {
  pool: Pool;
  producer: Producer;
  serde: AvroSerde;
  /** The audit topic (dsr.audit under the deployment's prefix). */
  auditTopic: string;
  logger: Logger;
}

/**
 * Publishes the chain head (position and hash) to the audit topic when it has moved. The audit
 * topic keeps records forever and lives outside the database, so someone able to rewrite the
 * database, chain and all, still cannot make the rewrite match heads announced earlier. Each
 * publication is also appended to auditor.chain_publication.
 */
export class HeadPublisher {
  private readonly log: Logger;
  private lastPublished: string | undefined;

  constructor(private readonly options: HeadPublisherOptions) {
    this.log = options.logger.child({ component: 'head-publisher' });
  }

  /** Publishes the head now if it moved since the last publication; returns what was published. */
  async publishIfMoved(): Promise<{ position: string; hash: string } | null> {
    const { pool, producer, serde, auditTopic } = this.options;
    const head = await chainHead(pool);
    if (!head || head.hash === this.lastPublished) return null;

    const value = await serde.encode(auditTopic, headEvent(head));
    await producer.send({ topic: auditTopic, messages: [{ key: 'chain_head', value }] });
    await pool.query('INSERT INTO auditor.chain_publication (position, hash) VALUES ($1, $2)', [
      head.position,
      Buffer.from(head.hash, 'hex'),
    ]);

    this.lastPublished = head.hash;
    this.log.info({ position: head.position }, 'chain head published');
    return head;
  }
}

/** The audit event announcing a head: its hash as the digest, its position in the detail. */
export function headEvent(head: { position: string; hash: string }): AuditEvent {
  return {
    event_id: randomUUID(),
    occurred_at: Date.now(),
    service: 'dlq-auditor',
    stage: 'chain_head',
    request_id: null,
    subject_key: null,
    trace_id: null,
    lane: null,
    source_system: null,
    action: null,
    attempt: null,
    reason_code: null,
    detail: `position ${head.position}`,
    result_digest: head.hash,
    result_bytes: null,
    coordinates: null,
  };
}
