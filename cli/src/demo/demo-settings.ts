import { join } from 'node:path';
import { stackStateDir } from '@dsr/shared';

/**
 * Where and how the demo runs. Its topics, consumer groups, database and ports are its own, so it
 * never disturbs a pipeline or a test run on the same stack, and a second run reuses them.
 */
export interface DemoSettings {
  /** Prefix of the demo's topics and consumer groups. */
  topicPrefix: string;
  /** Short retry tiers, so retries finish within the demo. */
  retryDelaysMs: readonly number[];
  partitions: number;
  /** The demo's own database on the stack's server. */
  databaseName: string;
  /** Folder of the demo's configuration files, secrets, logs and results. */
  stateDir: string;
  ports: {
    ingest: number;
    router: number;
    poller: number;
    auditor: number;
    auditorApi: number;
    simulator: number;
  };
  /** Tasks submitted. */
  tasks: number;
  seed: number;
  /** How long to wait for every task to reach its outcome, in ms. */
  timeoutMs: number;
  /** Whether to leave everything running after the summary, until Ctrl-C. */
  keepRunning: boolean;
}

/** The defaults: a few hundred tasks, finishing within a few minutes on two cores. */
export function defaultDemoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  return {
    topicPrefix: 'demo.',
    retryDelaysMs: [1_000, 3_000, 9_000],
    partitions: 3,
    databaseName: 'dsr_demo',
    stateDir: join(stackStateDir(env), 'demo'),
    ports: {
      ingest: 19_464,
      router: 19_465,
      poller: 19_466,
      auditor: 19_467,
      auditorApi: 18_085,
      simulator: 18_090,
    },
    tasks: 240,
    seed: 7,
    timeoutMs: 240_000,
    keepRunning: false,
  };
}
