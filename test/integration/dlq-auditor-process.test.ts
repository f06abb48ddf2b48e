import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { digestOf } from '@dsr/dlq-auditor';
import { REPO_ROOT } from '@dsr/shared';
import {
  deadLetter,
  dropRole,
  masterKey,
  produceDeadLetters,
  queryAs,
} from '../support/dlq-auditor';
import {
  isolatedDatabase,
  isolatedTopics,
  testEndpoints,
  uniqueName,
} from '../support/environment';
import { TEST_SUBJECT_KEY_SECRET } from '../support/pipeline-fixtures';
import { prefixOf } from '../support/run-dsr';
import { waitFor } from '../support/wait-for';

const DIST = join(REPO_ROOT, 'services', 'dlq-auditor', 'dist');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function runCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [join(DIST, 'command.js'), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  return exitOf(child).then((code) => ({ code, stdout }));
}

describe('dlq-auditor: process and command entries', () => {
  it('runs as a process, answers commands through its API and stops cleanly on SIGTERM', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 2 });
    const ownerUrl = await isolatedDatabase(t);
    const role = uniqueName('dsr_aud_proc').replace(/-/g, '_').toLowerCase();
    const token = randomBytes(24).toString('hex');
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const endpoints = testEndpoints();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
      DATABASE_URL: ownerUrl,
      DSR_TOPIC_PREFIX: prefixOf(layout),
      DSR_RETRY_DELAYS_MS: layout.retryTiers.map((tier) => tier.delayMs).join(','),
      DSR_SUBJECT_KEY_SECRET: TEST_SUBJECT_KEY_SECRET,
      DSR_AUDITOR_DB_ROLE: role,
      DSR_AUDITOR_MASTER_KEYS: `k1:${masterKey()}`,
      DSR_AUDITOR_CREDENTIALS: `audit-person:auditor:${digestOf(token)}`,
      DSR_AUDITOR_PORT: String(apiPort),
      DSR_AUDITOR_GROUP_ID: uniqueName('auditor-proc'),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
    };

    const child = spawn(process.execPath, [join(DIST, 'main.js')], { env, stdio: 'ignore' });
    const exited = exitOf(child);
    t.after(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      await dropRole(ownerUrl, role);
    });
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`).catch(() => null))?.ok,
      { description: 'the auditor process to be ready', timeoutMs: 60_000 },
    );

    await produceDeadLetters(layout, [deadLetter(), deadLetter()]);
    await waitFor(
      async () =>
        (
          await queryAs<{ n: number }>(
            ownerUrl,
            'SELECT count(*)::int AS n FROM auditor.audit_record',
          )
        )[0]?.n === 2,
      { description: 'two records stored by the process' },
    );
    const url = `http://127.0.0.1:${apiPort}`;
    const verify = await runCommand(['--url', url, '--token', token, 'verify'], env);
    const retention = await runCommand(['--url', url, '--token', token, 'retention'], env);

    assert.equal(verify.code, 0);
    assert.equal(JSON.parse(verify.stdout).intact, true);
    assert.equal(JSON.parse(verify.stdout).checked, 2);
    assert.equal(retention.code, 1, 'the auditor role may not run retention');
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(metrics, /dsr_auditor_records_stored_total\{[^}]*\} 2/);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
