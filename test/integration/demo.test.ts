import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { topicLayout } from '@dsr/shared';
import { defaultDemoSettings, type DemoSettings } from '../../cli/src/demo/demo-settings';
import { runDemo } from '../../cli/src/demo/run-demo';
import type { Output } from '../../cli/src/output';
import { isolatedDatabase, testKafka, uniqueName } from '../support/environment';
import { freePorts } from '../support/pipeline-processes';
import { waitFor } from '../support/wait-for';

/** Demo settings on the test's own prefix, database, folder and ports; topics removed after. */
async function demoSettings(t: TestContext, tasks: number): Promise<DemoSettings> {
  const databaseUrl = await isolatedDatabase(t);
  const settings: DemoSettings = {
    ...defaultDemoSettings(),
    topicPrefix: `${uniqueName('demo')}.`,
    databaseName: new URL(databaseUrl).pathname.slice(1),
    stateDir: mkdtempSync(join(tmpdir(), 'dsr-demo-')),
    ports: await freePorts(),
    tasks,
    timeoutMs: 180_000,
  };
  t.after(async () => {
    rmSync(settings.stateDir, { recursive: true, force: true });
    const layout = topicLayout({
      prefix: settings.topicPrefix,
      retryDelaysMs: settings.retryDelaysMs,
    });
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: layout.specs.map((s) => s.name) }).catch(() => undefined);
    await admin.disconnect();
  });
  return settings;
}

function capture(): { output: Output; lines: string[] } {
  const lines: string[] = [];
  const output = {
    line: (text: string) => void lines.push(text),
    note: (text: string) => void lines.push(text),
  };
  return { output, lines };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function assertAllPortsFree(settings: DemoSettings): Promise<void> {
  for (const [name, port] of Object.entries(settings.ports)) {
    assert.equal(await portFree(port), true, `${name} port ${port} released`);
  }
}

describe('the main job (npm run demo)', () => {
  it('runs the whole pipeline and ends with a summary whose counts match what it submitted', async (t) => {
    const settings = await demoSettings(t, 48);
    const { output, lines } = capture();

    const status = await runDemo(settings, output, AbortSignal.timeout(400_000));

    assert.equal(status, 0, lines.join('\n'));
    const text = lines.join('\n');
    assert.match(text, /All 48 tasks accounted for, each with the outcome planned for it\./);
    assert.match(text, /^\s+succeeded\s+(\d+)\s+\1$/m);
    assert.match(text, /^\s+dead_lettered\s+(\d+)\s+\1$/m);
    assert.match(text, /^\s+quarantined\s+(\d+)\s+\1$/m);
    assert.match(text, /^\s+total submitted\s+48\s+48$/m);
    assert.match(text, /^\s+high\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+$/m);
    assert.match(text, /^\s+permanent\s+SOURCE_REJECTED\s+\d+$/m);
    assert.match(
      text,
      /dead letters stored: (\d+) of \1; quarantine records stored: (\d+) of \2; record chain: intact/,
    );
    assert.ok(lines.at(-1)?.startsWith('stopped; the demo took'));
    await assertAllPortsFree(settings);
  });

  it('stops everything it started when interrupted', async (t) => {
    const settings = await demoSettings(t, 200);
    const { output, lines } = capture();
    const controller = new AbortController();

    const running = runDemo(settings, output, controller.signal);
    await waitFor(() => lines.some((line) => line.startsWith('4/5')), {
      timeoutMs: 180_000,
      description: 'the demo to be submitting traffic',
    });
    controller.abort(new Error('SIGINT'));

    await assert.rejects(running);
    assert.ok(lines.at(-1)?.startsWith('stopped; the demo took'));
    await assertAllPortsFree(settings);
  });
});
