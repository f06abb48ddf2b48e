import type { Kafka } from 'kafkajs';
import type { TopicLayout } from '@dsr/shared';

/**
 * How many offsets every topic of a layout holds, summed: each record written, and each
 * transaction marker, since a Kafka transaction writes one into every partition it touched.
 * Divided by the tasks, it is the broker work one task costs.
 */
export async function offsetsWritten(kafka: Kafka, layout: TopicLayout): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let total = 0;
    for (const spec of layout.specs) {
      const partitions = await admin.fetchTopicOffsets(spec.name);
      for (const p of partitions) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
