import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  DsrError,
  REPO_ROOT,
  createKafka,
  provisionTopics,
  registerSchemas,
  topicLayout,
  type Endpoints,
  type Logger,
  type TopicLayout,
} from '@dsr/shared';
import type { DemoSettings } from './demo-settings';

/**
 * Starts (or reuses) the local stack with its own command, passing its output through, and
 * fails with the command's exit status when it cannot.
 */
export async function startStack(
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'packages/devstack/dist/cli.js'), 'up'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) write(`  ${line}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new DsrError(
      'STACK_UNAVAILABLE',
      `the local stack did not start (exit ${code}); see .stack/logs/`,
      {
        context: { exitCode: code ?? -1 },
      },
    );
  }
}

/** Creates the demo's database on the stack's server unless it exists. */
export async function ensureDatabase(endpoints: Endpoints, name: string): Promise<void> {
  const client = new Client({ connectionString: endpoints.databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** Creates the demo's topics and registers their schemas; safe to repeat. */
export async function provisionDemo(
  settings: DemoSettings,
  endpoints: Endpoints,
  logger: Logger,
): Promise<TopicLayout> {
  const layout = topicLayout({
    prefix: settings.topicPrefix,
    retryDelaysMs: settings.retryDelaysMs,
    partitions: settings.partitions,
  });
  const admin = createKafka({
    clientId: 'dsr-demo',
    brokers: endpoints.kafkaBrokers,
    logger,
  }).admin();
  await admin.connect();
  try {
    await provisionTopics(admin, layout.specs);
  } finally {
    await admin.disconnect();
  }
  await registerSchemas(endpoints.schemaRegistryUrl, layout);
  return layout;
}

/** Fails, naming every port already taken, before anything is started. */
export async function assertPortsFree(ports: Readonly<Record<string, number>>): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!(await portFree(port))) taken.push(`${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new DsrError(
      'CONFIG_INVALID',
      `ports already in use: ${taken.join(', ')}; is another demo running? Stop it first`,
      { context: { taken: taken.length } },
    );
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
