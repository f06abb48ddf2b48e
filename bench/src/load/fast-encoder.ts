import avro from 'avsc';
import { readSchema, readWireHeader, writeWireRecord, type AvroSerde } from '@dsr/shared';

/**
 * An encoder for millions of records of one topic. The first value goes through the pipeline's
 * serde, which checks it against the schema and resolves the registered schema id; the rest
 * reuse that id and skip the per-value validity check, which would cost more than the encoding.
 */
export async function fastEncoder<T>(
  serde: AvroSerde,
  topic: string,
  schemaFile: string,
  sample: T,
): Promise<(value: T) => Buffer> {
  const checked = await serde.encode(topic, sample);
  const { schemaId } = readWireHeader(checked, serde.maxValueBytes);
  const type = avro.Type.forSchema(JSON.parse(readSchema(schemaFile)));
  return (value) => writeWireRecord(schemaId, type.toBuffer(value));
}
