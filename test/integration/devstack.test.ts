import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'devstack', 'dist', 'cli.js');

function stack(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

test('devstack: up on a running stack reuses every component', () => {
  const result = stack(['up', '--no-provision']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^kafka +reused +127\.0\.0\.1:\d+/m);
  assert.match(result.stdout, /^registry +reused +http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7/m);
});

test('devstack: status reports every component answering', () => {
  const result = stack(['status', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const components = JSON.parse(result.stdout) as { name: string; answering: boolean }[];
  assert.deepEqual(components.map((c) => [c.name, c.answering]), [
    ['kafka', true],
    ['registry', true],
    ['database', true],
  ]);
});

test('devstack: once fetched, the broker and registry need no download (mvn is not even on PATH)', () => {
  const script = `
    const a = require(${JSON.stringify(join(ROOT, 'packages', 'devstack', 'dist', 'artifacts.js'))});
    Promise.all([a.ensureKafka(), a.ensureApicurio()]).then(
      (dirs) => { process.stdout.write(JSON.stringify(dirs)); },
      (e) => { process.stderr.write(String(e)); process.exit(1); });`;
  const env = { ...process.env, PATH: dirname(process.execPath) };
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const [libs, app] = JSON.parse(result.stdout) as string[];
  assert.match(libs!, /kafka-4\.1\.1[\\/]libs$/);
  assert.match(app!, /apicurio-3\.3\.3[\\/]app$/);
});
