import type { Producer } from 'kafkajs';
import { traceHeaders, type AvroSerde, type IntakeTask } from '@dsr/shared';

export interface SubmitOptions {
  producer: Producer;
  serde: AvroSerde;
  topic: string;
  /** Tasks sent per produce request; default 200. */
  batchSize?: number;
  /** Called after each acknowledged batch with the number of tasks sent so far. */
  onProgress?: (sent: number) => void;
}

const SUBMIT_DEFAULTS = Object.freeze({ batchSize: 200 });

/**
 * Encodes tasks with the intake schema (through the registry) and writes them to the intake
 * topic, keyed by request id so every record of one request lands on one partition. Each batch
 * is acknowledged by all in-sync replicas before the next is sent; the returned count is what
 * the broker acknowledged.
 */
export async function submitTasks(
  tasks: readonly IntakeTask[],
  options: SubmitOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? SUBMIT_DEFAULTS.batchSize;
  let sent = 0;

  for (let start = 0; start < tasks.length; start += batchSize) {
    const batch = tasks.slice(start, start + batchSize);
    const messages = await Promise.all(
      batch.map(async (task) => ({
        key: task.request_id,
        value: await options.serde.encode(options.topic, task),
        headers: task.trace_id ? traceHeaders(task.trace_id) : undefined,
      })),
    );
    await options.producer.send({ topic: options.topic, acks: -1, messages });
    sent += batch.length;
    options.onProgress?.(sent);
  }
  return sent;
}
