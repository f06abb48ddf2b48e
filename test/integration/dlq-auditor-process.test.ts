import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { digestOf } from '@dsr/dlq-auditor';
import { REPO_ROOT, type TopicLayout } from '@dsr/shared';
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

interface AuditorProcessSetup {
  layout: TopicLayout;
  ownerUrl: string;
  token: string;
  apiPort: number;
  metricsPort: number;
  env: NodeJS.ProcessEnv;
}

/** Topics, a database, a role, ports and the environment an auditor process runs with. */
async function setUpProcess(t: TestContext): Promise<AuditorProcessSetup> {
  const layout = await isolatedTopics(t, { partitions: 2 });
  const ownerUrl = await isolatedDatabase(t);
  const role = uniqueName('dsr_aud_proc').replace(/-/g, '_').toLowerCase();
  const token = randomBytes(24).toString('hex');
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const endpoints = testEndpoints();
  t.after(() => dropRole(ownerUrl, role));

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
  return { layout, ownerUrl, token, apiPort, metricsPort, env };
}

/** Starts `node dist/main.js` and waits until it is ready; killed when the test ends. */
async function startProcess(t: TestContext, setup: AuditorProcessSetup) {
  const child = spawn(process.execPath, [join(DIST, 'main.js')], {
    env: setup.env,
    stdio: 'ignore',
  });
  const exited = exitOf(child);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${setup.metricsPort}/readyz`).catch(() => null))?.ok,
    { description: 'the auditor process to be ready', timeoutMs: 60_000 },
  );
  return { child, exited };
}

async function storedCount(ownerUrl: string): Promise<number> {
  const [row] = await queryAs<{ n: number }>(
    ownerUrl,
    'SELECT count(*)::int AS n FROM auditor.audit_record',
  );
  return row?.n ?? 0;
}

describe('dlq-auditor: process and command entries', () => {
  it('runs as a process, answers commands through its API and stops cleanly on SIGTERM', async (t) => {
    const setup = await setUpProcess(t);
    const { child, exited } = await startProcess(t, setup);

    await produceDeadLetters(setup.layout, [deadLetter(), deadLetter()]);
    await waitFor(async () => (await storedCount(setup.ownerUrl)) === 2, {
      description: 'two records stored by the process',
    });
    const url = `http://127.0.0.1:${setup.apiPort}`;
    const verify = await runCommand(['--url', url, '--token', setup.token, 'verify'], setup.env);
    const retention = await runCommand(
      ['--url', url, '--token', setup.token, 'retention'],
      setup.env,
    );

    assert.equal(verify.code, 0);
    assert.equal(JSON.parse(verify.stdout).intact, true);
    assert.equal(JSON.parse(verify.stdout).checked, 2);
    assert.equal(retention.code, 1, 'the auditor role may not run retention');
    const metrics = await (await fetch(`http://127.0.0.1:${setup.metricsPort}/metrics`)).text();
    assert.match(metrics, /dsr_auditor_records_stored_total\{[^}]*\} 2/);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('after a SIGKILL in the middle of consuming, a restart stores every record exactly once', async (t) => {
    const setup = await setUpProcess(t);
    const records = Array.from({ length: 400 }, () => deadLetter());
    await produceDeadLetters(setup.layout, records);
    const first = await startProcess(t, setup);
    await waitFor(async () => (await storedCount(setup.ownerUrl)) > 0, {
      description: 'the first records stored',
    });

    first.child.kill('SIGKILL');
    await first.exited;
    const storedAtKill = await storedCount(setup.ownerUrl);
    await startProcess(t, setup);
    await waitFor(async () => (await storedCount(setup.ownerUrl)) >= records.length, {
      description: 'every record stored after the restart',
    });

    const rows = await queryAs<{ request_id: string }>(
      setup.ownerUrl,
      'SELECT request_id FROM auditor.audit_record',
    );
    t.diagnostic(`records stored when the process was killed: ${storedAtKill}`);
    assert.ok(storedAtKill <= records.length);
    assert.equal(rows.length, records.length);
    assert.deepEqual(rows.map((r) => r.request_id).sort(), records.map((r) => r.request_id).sort());
    const url = `http://127.0.0.1:${setup.apiPort}`;
    const verify = await runCommand(['--url', url, '--token', setup.token, 'verify'], setup.env);
    assert.equal(JSON.parse(verify.stdout).intact, true);
  });
});
