import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro, { type Type } from 'avsc';
import { DsrError } from '../errors';
import type { TopicLayout } from '../kafka/topics';
import { readSchema, schemaFileForTopic, valueSubject } from '../registry/schema-catalog';
import { readWireHeader, writeWireRecord } from './wire-format';

/** A decoded record value with the id of the schema it was written with. */
export interface Decoded<T> {
  value: T;
  schemaId: number;
}

/** Where the registry is, which topics use which schema, and the largest value accepted. */
export interface AvroSerdeOptions {
  /** Confluent-compatible registry base URL. */
  registryUrl: string;
  /** Maps each physical topic to the schema its values are read and written with. */
  layout: TopicLayout;
  /** Values longer than this are refused undecoded; default 1 MiB (the broker's default). */
  maxValueBytes?: number;
  /** An existing registry client to share; default one made from `registryUrl`. */
  registry?: SchemaRegistry;
}

/** Defaults of {@link AvroSerdeOptions}. */
export const AVRO_SERDE_DEFAULTS = Object.freeze({ maxValueBytes: 1_048_576 });

type Resolver = ReturnType<Type['createResolver']>;

/**
 * Avro in the Confluent wire format, for the topics of one layout. Reader schemas are this
 * repository's files; writer schemas are fetched from the registry by id and cached (by the
 * registry client), as are the resolvers between them. Every way a value can fail to decode
 * becomes a {@link DsrError} with a DECODE_* code; an unreachable registry is
 * REGISTRY_UNREACHABLE, which is transient, so the caller retries instead of quarantining.
 */
export class AvroSerde {
  readonly maxValueBytes: number;
  private readonly layout: TopicLayout;
  private readonly registry: SchemaRegistry;
  private readonly readers = new Map<string, { file: string; type: Type }>();
  private readonly resolvers = new Map<string, Resolver | DsrError>();
  private readonly writerIds = new Map<string, Promise<number>>();

  constructor(options: AvroSerdeOptions) {
    const settings = { ...AVRO_SERDE_DEFAULTS, ...options };
    this.maxValueBytes = settings.maxValueBytes;
    this.layout = settings.layout;
    this.registry = settings.registry ?? new SchemaRegistry({ host: settings.registryUrl });
  }

  /** Decodes a value consumed from `topic` into that topic's reader schema. */
  async decode<T>(topic: string, value: Buffer | null | undefined): Promise<Decoded<T>> {
    const reader = this.readerFor(topic);
    const { schemaId, payload } = readWireHeader(value, this.maxValueBytes);
    const resolver = await this.resolverFor(reader, schemaId);

    try {
      return { value: reader.type.fromBuffer(payload, resolver) as T, schemaId };
    } catch (cause) {
      const truncated = cause instanceof Error && /truncated/.test(cause.message);
      throw new DsrError(
        truncated ? 'DECODE_TRUNCATED' : 'DECODE_MALFORMED_AVRO',
        truncated
          ? `the Avro body ends before schema ${schemaId} is complete`
          : `the Avro body does not match schema ${schemaId}`,
        { cause, context: { topic, schemaId } },
      );
    }
  }

  /** Encodes a value for `topic` with the schema this repository holds for it. */
  async encode(topic: string, value: unknown): Promise<Buffer> {
    const reader = this.readerFor(topic);
    const invalidPaths: string[] = [];
    reader.type.isValid(value, { errorHook: (path) => invalidPaths.push(path.join('.')) });

    if (invalidPaths.length > 0) {
      throw new DsrError(
        'ENCODE_INVALID_VALUE',
        `a value for ${topic} does not fit ${reader.file} at: ${invalidPaths.join(', ')}`,
        { context: { topic, file: reader.file } },
      );
    }

    const schemaId = await this.writerIdFor(topic, reader.file);
    return writeWireRecord(schemaId, reader.type.toBuffer(value));
  }

  private readerFor(topic: string): { file: string; type: Type } {
    const file = schemaFileForTopic(this.layout, topic);
    if (file === undefined) {
      throw new DsrError('CONFIG_INVALID', `topic ${topic} is not part of the topic layout`, {
        context: { topic },
      });
    }

    // One Type per file: avsc resolvers are bound to the reader Type instance they were made
    // for, and the resolver cache is keyed by file, so topics sharing a schema share its Type.
    const cached = this.readers.get(file);
    if (cached) return cached;

    const reader = { file, type: avro.Type.forSchema(JSON.parse(readSchema(file))) };
    this.readers.set(file, reader);
    return reader;
  }

  private async resolverFor(
    reader: { file: string; type: Type },
    schemaId: number,
  ): Promise<Resolver> {
    const key = `${reader.file}#${schemaId}`;
    const cached = this.resolvers.get(key);
    if (cached instanceof DsrError) throw cached;
    if (cached) return cached;

    const writer = await this.writerSchema(schemaId);
    let outcome: Resolver | DsrError;
    try {
      outcome = reader.type.createResolver(writer);
    } catch (cause) {
      outcome = new DsrError(
        'DECODE_SCHEMA_MISMATCH',
        `schema ${schemaId} (${writer.name ?? writer.typeName}) cannot be read as ${reader.file}`,
        { cause, context: { schemaId, file: reader.file } },
      );
    }

    // Both outcomes are facts about two immutable schemas, so both are cached.
    this.resolvers.set(key, outcome);
    if (outcome instanceof DsrError) throw outcome;
    return outcome;
  }

  private async writerSchema(schemaId: number): Promise<Type> {
    try {
      return (await this.registry.getSchema(schemaId)) as unknown as Type;
    } catch (cause) {
      if (statusOf(cause) === 404) {
        throw new DsrError(
          'DECODE_UNKNOWN_SCHEMA_ID',
          `schema id ${schemaId} is not in the registry`,
          {
            cause,
            context: { schemaId },
          },
        );
      }
      throw new DsrError('REGISTRY_UNREACHABLE', `could not fetch schema id ${schemaId}`, {
        cause,
        context: { schemaId },
      });
    }
  }

  private writerIdFor(topic: string, file: string): Promise<number> {
    const cached = this.writerIds.get(topic);
    if (cached) return cached;

    const lookup = this.lookUpWriterId(topic, file);
    this.writerIds.set(topic, lookup);
    // A failed lookup is not remembered: the registry may be back, or the schema registered, later.
    lookup.catch(() => this.writerIds.delete(topic));
    return lookup;
  }

  private async lookUpWriterId(topic: string, file: string): Promise<number> {
    const subject = valueSubject(topic);
    try {
      return await this.registry.getRegistryIdBySchema(subject, {
        type: SchemaType.AVRO,
        schema: readSchema(file),
      });
    } catch (cause) {
      const status = statusOf(cause);
      const missing = status === 404 || (status === undefined && isRegistryAnswer(cause));
      throw new DsrError(
        missing ? 'SCHEMA_NOT_REGISTERED' : 'REGISTRY_UNREACHABLE',
        missing
          ? `${file} is not registered under ${subject}; run the schema registration first`
          : `could not look up the schema id of ${file} under ${subject}`,
        { cause, context: { topic, subject, file } },
      );
    }
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

// The registry client turns a 404 of a schema lookup into its own error type without a status.
function isRegistryAnswer(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConfluentSchemaRegistryError';
}
