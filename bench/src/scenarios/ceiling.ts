import { AvroSerde, registerSchemas, topicLayout } from '@dsr/shared';
import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import type { ConsumerPerfResult, ProducerPerfResult } from '../ceiling/perf-output';
import { consumerPerformance, producerPerformance } from '../ceiling/perf-tools';
import { BENCH_PARTITIONS } from '../kafka/bench-layout';
import { representativeIntakeTask } from '../load/task-samples';
import { describeError } from '../report/error-message';
import { emptyResult, type ScenarioResult } from '../report/scenario-result';
import { formatRate } from '../report/format';

/**
 * The broker's ceiling on this machine: Kafka's own producer and consumer benchmarks, on a topic
 * partitioned like the pipeline's, with records the size of an encoded intake task. Every
 * pipeline number is read against it.
 */
export async function measureCeiling(
  context: BenchContext,
  findings: BenchFindings,
): Promise<ScenarioResult> {
  const recordBytes = await intakeRecordBytes(context);
  const records = context.scale.ceilingRecords;
  const { produced, consumed } = await runPerfTools(context, records, recordBytes);
  findings.ceiling = {
    recordBytes,
    producerRecordsPerSec: produced.recordsPerSec,
    consumerRecordsPerSec: consumed.fetchRecordsPerSec,
  };

  const megabytes = consumed.fetchMbPerSec.toFixed(2);
  const result = emptyResult();
  result.rows.push(
    { measure: 'intake task record size', value: `${recordBytes} bytes` },
    {
      measure: 'ceiling: broker producer (ProducerPerformance)',
      value: `${formatRate(produced.recordsPerSec)} records/s (${produced.mbPerSec} MB/s)`,
    },
    {
      measure: 'ceiling: broker consumer (ConsumerPerformance)',
      value: `${formatRate(consumed.fetchRecordsPerSec)} records/s (${megabytes} MB/s)`,
    },
  );
  result.notes.push(
    `Ceiling: ${records.toLocaleString('en-US')} records of ${recordBytes} bytes on one ` +
      `${BENCH_PARTITIONS}-partition topic; producer unthrottled with acks=all, no compression, ` +
      `default batching (p99 produce latency ${produced.p99LatencyMs} ms); the consumer rate ` +
      `excludes its group join (with it: ${formatRate(consumed.recordsPerSec)} records/s).`,
  );
  return result;
}

/** Runs both perf tools on a topic of their own, deleted afterwards. */
async function runPerfTools(
  context: BenchContext,
  records: number,
  recordBytes: number,
): Promise<{ produced: ProducerPerfResult; consumed: ConsumerPerfResult }> {
  const topic = `bench.${context.runId}.ceiling`;
  const admin = context.kafka.admin();
  await admin.connect();

  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: BENCH_PARTITIONS, replicationFactor: 1 }],
    });
    context.progress(`ceiling: producer perf, ${records} records of ${recordBytes} bytes`);
    const produced = await producerPerformance(context.stack, topic, records, recordBytes);
    context.progress('ceiling: consumer perf');
    const consumed = await consumerPerformance(context.stack, topic, records, `${topic}.group`);
    return { produced, consumed };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch((error: unknown) => {
      context.progress(`deleting ${topic} failed: ${describeError(error)}`);
    });
    await admin.disconnect();
  }
}

/** Encodes a representative intake task with the pipeline's serde and measures it. */
async function intakeRecordBytes(context: BenchContext): Promise<number> {
  const layout = topicLayout({ prefix: `bench.${context.runId}.size.` });
  const registryUrl = context.stack.endpoints.schemaRegistryUrl;
  await registerSchemas(registryUrl, layout);

  const serde = new AvroSerde({ registryUrl, layout });
  const encoded = await serde.encode(layout.topics.intake, representativeIntakeTask());
  return encoded.length;
}
