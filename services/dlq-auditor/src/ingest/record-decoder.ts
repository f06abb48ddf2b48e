import {
  isDsrError,
  subjectKey,
  type AvroSerde,
  type DeadLetterRecord,
  type IntakeTask,
  type QuarantineRecord,
} from '@dsr/shared';
import {
  fromDeadLetter,
  fromQuarantine,
  fromUndecodable,
  type IncomingRecord,
} from './incoming-record';

/** A consumed Kafka message, reduced to what storing it needs. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestampMs: number;
}

/** The serde and topics a decoder works with. */
export interface RecordDecoderOptions {
  serde: AvroSerde;
  dlqTopic: string;
  quarantineTopic: string;
  intakeTopic: string;
  /** DSR_SUBJECT_KEY_SECRET, to compute the subject key of a quarantined intake record. */
  subjectKeySecret: string;
}

/**
 * Turns consumed dead letters and quarantine records into records to store. A value that does
 * not decode becomes an `undecodable` record rather than an error: it must be kept all the
 * same. Only a registry that cannot be reached is thrown (it is transient, and the batch is
 * consumed again).
 */
export class RecordDecoder {
  constructor(private readonly options: RecordDecoderOptions) {}

  /** The record to store for one consumed message. */
  async decode(message: ConsumedMessage): Promise<IncomingRecord> {
    const source = { topic: message.topic, partition: message.partition, offset: message.offset };

    try {
      if (message.topic === this.options.dlqTopic) {
        const { value, schemaId } = await this.options.serde.decode<DeadLetterRecord>(
          message.topic,
          message.value,
        );
        return fromDeadLetter(source, value, schemaId);
      }
      const { value, schemaId } = await this.options.serde.decode<QuarantineRecord>(
        message.topic,
        message.value,
      );
      return fromQuarantine(source, value, schemaId, await this.quarantinedSubject(value));
    } catch (error) {
      if (!isDsrError(error) || error.retriable) throw error;
      return fromUndecodable(source, message.value, message.key, message.timestampMs, error.code);
    }
  }

  // A quarantined record was refused for its meaning more often than for its bytes; when it does
  // decode as an intake task with an email, its subject key lets a privacy officer find it.
  private async quarantinedSubject(record: QuarantineRecord): Promise<string | null> {
    try {
      const { value } = await this.options.serde.decode<IntakeTask>(
        this.options.intakeTopic,
        record.original,
      );
      const email = value.subject_email;
      return typeof email === 'string' && email.includes('@')
        ? subjectKey(email, this.options.subjectKeySecret)
        : null;
    } catch {
      return null;
    }
  }
}
