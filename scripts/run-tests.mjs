#!/usr/bin/env node
// Runs the test suites with node's test runner. Unit tests need nothing; integration and
// end-to-end tests need a broker, a registry and a database: the endpoints come from
// KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DATABASE_URL when all are set, otherwise the local
// stack is started (or reused) first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const only = args.has('--unit') ? 'unit' : args.has('--integration') ? 'integration' : 'all';

function findTests(dir, into = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return into;
  }
  for (const entry of entries) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, into);
    else if (entry.endsWith('.test.ts')) into.push(relative(root, path));
  }
  return into;
}

const workspaces = ['packages', 'services', 'simulator', 'cli', 'bench', 'test'];
const all = workspaces.flatMap((w) => findTests(join(root, w))).sort();
const isUnit = (file) => file.includes('/test/unit/');
const selected = all.filter((f) => (only === 'unit' ? isUnit(f) : only === 'integration' ? !isUnit(f) : true));

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (selected.length === 0) {
  console.error(`no ${only} tests found`);
  process.exit(1);
}

// Test files are not part of the build; they are type-checked here so a broken test fails fast.
if (run('npx', ['tsc', '-p', 'tsconfig.test.json']) !== 0) process.exit(1);

const needsStack = selected.some((f) => !isUnit(f));
const external = process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL && process.env.DATABASE_URL;
if (needsStack && !external) {
  if (run('node', ['packages/devstack/dist/cli.js', 'up']) !== 0) process.exit(1);
}

const status = run('node', [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=1',
  '--test-timeout=900000',
  ...selected,
]);
process.exit(status);
