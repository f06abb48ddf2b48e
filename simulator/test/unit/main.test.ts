import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';
import { clientFor, submit } from './harness';

const ENTRY = join(__dirname, '..', '..', 'dist', 'main.js');

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

function startProcess(t: TestContext, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

// Resolves with the first log line carrying this message.
async function lineWith(child: ChildProcess, msg: string): Promise<LogLine> {
  const lines = createInterface({ input: child.stdout! });
  for await (const text of lines) {
    const line = JSON.parse(text) as LogLine;
    if (line.msg === msg) return line;
  }
  throw new Error(`the process ended without logging "${msg}"`);
}

describe('process entry', () => {
  it('when started with an inline config, it serves its sources until SIGTERM', async (t) => {
    const child = startProcess(t, {
      SIMULATOR_PORT: '0',
      SIMULATOR_HOST: '127.0.0.1',
      SIMULATOR_CONFIG_JSON: JSON.stringify({ sources: { crm: {} } }),
    });

    const ready = await lineWith(child, 'source ready');
    const answer = await submit(clientFor(t), String(ready.url), 'r-1');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];

    assert.equal(ready.source_system, 'crm');
    assert.equal(answer.status, 202);
    assert.equal(code, 0);
  });

  it('when the config is invalid, it logs why and exits with 1', async (t) => {
    const child = startProcess(t, {
      SIMULATOR_CONFIG_JSON: JSON.stringify({ sources: { crm: { latency: -1 } } }),
    });

    const exited = once(child, 'exit');
    const fatal = await lineWith(child, 'simulator failed to start');
    const [code] = (await exited) as [number | null];

    assert.match(String((fatal.err as { message?: unknown }).message), /sources\.crm\.latency/);
    assert.equal(code, 1);
  });
});
