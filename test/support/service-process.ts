import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import type { TopicLayout } from '@dsr/shared';
import { testEndpoints } from './environment';
import { TEST_SUBJECT_KEY_SECRET } from './pipeline-fixtures';

const REPO_ROOT = resolve(__dirname, '..', '..');

/** A service running as its own process from its compiled entry point. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** The last lines it wrote, for failure messages. */
  readonly output: string[];
  /** Resolves with the exit code or signal once the process has ended. */
  readonly exited: Promise<string>;
  /** Sends a signal and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<string>;
}

export interface ServiceProcessOptions {
  service: 'ingest' | 'router';
  layout: TopicLayout;
  databaseUrl: string;
  /** The service's configuration file content. */
  config: Record<string, unknown>;
  transactionalIdPrefix: string;
}

/**
 * Starts `node services/<service>/dist/main.js` against the test stack with the layout's topics,
 * and kills it when the test ends if it still runs.
 */
export function startServiceProcess(
  t: TestContext,
  options: ServiceProcessOptions,
): ServiceProcess {
  const endpoints = testEndpoints();
  const configFile = join(mkdtempSync(join(tmpdir(), `dsr-${options.service}-`)), 'config.json');
  writeFileSync(configFile, JSON.stringify(options.config));
  const prefix = options.layout.topics.intake.slice(0, -'dsr.intake'.length);

  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'services', options.service, 'dist', 'main.js')],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        DATABASE_URL: options.databaseUrl,
        DSR_TOPIC_PREFIX: prefix,
        DSR_RETRY_DELAYS_MS: options.layout.retryTiers.map((tier) => tier.delayMs).join(','),
        DSR_TOPIC_PARTITIONS: '3',
        DSR_SUBJECT_KEY_SECRET: TEST_SUBJECT_KEY_SECRET,
        DSR_TRANSACTIONAL_ID_PREFIX: options.transactionalIdPrefix,
        INGEST_CONFIG_FILE: configFile,
        ROUTER_CONFIG_FILE: configFile,
        METRICS_PORT: '0',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      },
    },
  );

  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit').then(([code, signal]) => String(signal ?? code));

  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return {
    child,
    output,
    exited,
    kill: async (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
