import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalStack } from '../stack/local-stack';
import {
  parseConsumerPerf,
  parseProducerPerf,
  type ConsumerPerfResult,
  type ProducerPerfResult,
} from './perf-output';

const run = promisify(execFile);

/** A perf tool gets this long before it is stopped; far more than a full run needs. */
const TOOL_TIMEOUT_MS = 10 * 60_000;

async function runTool(stack: LocalStack, mainClass: string, args: string[]): Promise<string> {
  const classpath = join(stack.kafkaLibs, '*');
  const { stdout, stderr } = await run(stack.javaPath, ['-cp', classpath, mainClass, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: TOOL_TIMEOUT_MS,
  });
  return `${stdout}\n${stderr}`;
}

/**
 * Kafka's own producer benchmark: `records` records of `recordBytes` each, unthrottled, acks
 * from all replicas, no compression, the producer's default batching.
 */
export async function producerPerformance(
  stack: LocalStack,
  topic: string,
  records: number,
  recordBytes: number,
): Promise<ProducerPerfResult> {
  const output = await runTool(stack, 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordBytes),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${stack.endpoints.kafkaBrokers.join(',')}`,
    'acks=all',
    'compression.type=none',
  ]);
  return parseProducerPerf(output);
}

/** Kafka's own consumer benchmark: reads `records` records of `topic` in a fresh group. */
export async function consumerPerformance(
  stack: LocalStack,
  topic: string,
  records: number,
  group: string,
): Promise<ConsumerPerfResult> {
  const output = await runTool(stack, 'org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    stack.endpoints.kafkaBrokers.join(','),
    '--topic',
    topic,
    '--messages',
    String(records),
    '--group',
    group,
    '--timeout',
    '60000',
  ]);
  return parseConsumerPerf(output);
}
