import type { Kafka } from 'kafkajs';
import type { BenchScale } from './bench-options';
import type { LocalStack } from './stack/local-stack';

/** What every measurement of one run shares. */
export interface BenchContext {
  /** A short id unique to this run; it names topics, groups and request ids. */
  runId: string;
  stack: LocalStack;
  scale: BenchScale;
  /** Where service logs and profiles of this run go (bench/out/<runId>). */
  outDir: string;
  kafka: Kafka;
  /** Prints one progress line for the person watching the run. */
  progress(message: string): void;
}
