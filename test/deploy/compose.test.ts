import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadPollerConfig } from '../../services/poller/src/config/poller-config';
import { parseKnobsInput } from '../../simulator/src/config/knobs-schema';
import { loadSimulatorConfig } from '../../simulator/src/config/simulator-config';

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  command?: string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
}

/** `docker compose config` where the plugin exists, else the standalone docker-compose. */
function composeConfig(env: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const attempts: [string, string[]][] = [
    ['docker', ['compose', 'config']],
    ['docker-compose', ['config']],
  ];
  for (const [command, args] of attempts) {
    const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
    const missing = result.error !== undefined || /unknown (shorthand flag|command)/.test(result.stderr);
    if (!missing) return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }
  throw new Error('neither `docker compose` nor `docker-compose` is installed');
}

const secrets = {
  DSR_SUBJECT_KEY_SECRET: 'compose-test-secret',
  DSR_AUDITOR_DB_PASSWORD: 'compose-test-password',
  DSR_AUDITOR_MASTER_KEYS: 'k1:AAAA',
  DSR_AUDITOR_CREDENTIALS: 'ana:auditor:00',
};

test('docker-compose.yml: when the secrets are set, the file is valid and wires the whole pipeline', () => {
  const result = composeConfig({ ...process.env, ...secrets });
  assert.equal(result.status, 0, result.stderr);

  const services = (parse(result.stdout) as { services: Record<string, ComposeService> }).services;
  for (const name of ['kafka', 'registry', 'postgres', 'ingest', 'router', 'poller', 'dlq-auditor', 'simulator']) {
    assert.ok(services[name], `service ${name} is declared`);
    assert.ok(services[name]?.healthcheck?.test, `service ${name} has a health check`);
  }
  for (const name of ['ingest', 'router', 'poller', 'dlq-auditor']) {
    const deps = services[name]?.depends_on ?? {};
    assert.equal(deps.provision?.condition, 'service_completed_successfully', `${name} waits for provisioning`);
    assert.equal(deps.postgres?.condition, 'service_healthy', `${name} waits for the database`);
    const entry = services[name]?.command?.[1];
    assert.ok(entry && existsSync(join(ROOT, entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts'))),
      `${name}'s entry point ${entry} is built from a source file`);
  }
  assert.equal(services.provision?.depends_on?.kafka?.condition, 'service_healthy');
  assert.equal(services.provision?.depends_on?.registry?.condition, 'service_healthy');
});

test('docker-compose.yml: when a required secret is missing, config fails and names it', () => {
  const { DSR_SUBJECT_KEY_SECRET: _omitted, ...env } = { ...process.env, ...secrets };
  const result = composeConfig(env);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /DSR_SUBJECT_KEY_SECRET/);
});

test('docker-compose.yml: the poller calls only source systems the simulator plays and ingest accepts', () => {
  const composeDir = join(ROOT, 'docs', 'compose');
  const simulator = loadSimulatorConfig({}, join(composeDir, 'simulator.json'));
  const poller = loadPollerConfig(join(composeDir, 'poller.json'));
  const played = Object.keys(simulator.sources);
  for (const [name, knobs] of Object.entries(simulator.sources)) {
    assert.doesNotThrow(() => parseKnobsInput(knobs, `simulator.json sources.${name}`));
  }

  const services = (parse(composeConfig({ ...process.env, ...secrets }).stdout) as {
    services: Record<string, ComposeService>;
  }).services;
  const accepted = services.ingest?.environment?.DSR_SOURCE_SYSTEMS?.split(',') ?? [];
  for (const source of Object.keys(poller.sources)) {
    assert.ok(played.includes(source), `the simulator plays ${source}`);
    assert.ok(accepted.includes(source), `ingest accepts ${source}`);
  }
});
