import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoints } from '@dsr/shared';
import type { DemoSecrets } from './demo-secrets';
import { auditorCredentials } from './demo-secrets';
import type { DemoSettings } from './demo-settings';
import { DEMO_SOURCES, type ForcedFault } from './traffic-plan';

/** A process the demo starts: its entry file, environment and how to tell it is ready. */
export interface ServiceSpec {
  name: string;
  entry: string;
  env: NodeJS.ProcessEnv;
  /** GET this URL until it answers 200. */
  readyUrl: string;
}

/**
 * Writes each process's configuration file into the demo folder and returns the processes in
 * start order: the simulator first (the poller calls it), the auditor, then the pipeline from
 * its end backwards, so every consumer is in its group before records reach it.
 */
export function serviceSpecs(
  settings: DemoSettings,
  endpoints: Endpoints,
  secrets: DemoSecrets,
  forced: Record<string, Record<string, ForcedFault>>,
): ServiceSpec[] {
  const dir = join(settings.stateDir, 'config');
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    return path;
  };
  const group = (service: string) => `${settings.topicPrefix}dsr-${service}`;
  const common = commonEnv(settings, endpoints, secrets);
  const { ports } = settings;

  const simulatorConfig = write('simulator.json', simulatorSettings(settings, forced));
  const pollerConfig = write('poller.json', pollerSettings(settings, group('poller')));
  const ingestConfig = write('ingest.json', {
    consumerGroup: group('ingest'),
    sourceSystems: [...DEMO_SOURCES],
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
  });
  const routerConfig = write('router.json', {
    consumerGroup: group('router'),
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
  });
  const ready = (port: number) => `http://127.0.0.1:${port}/readyz`;

  return [
    {
      name: 'simulator',
      entry: 'simulator/dist/main.js',
      env: { ...common, SIMULATOR_CONFIG: simulatorConfig },
      readyUrl: `http://127.0.0.1:${ports.simulator}/healthz`,
    },
    {
      name: 'dlq-auditor',
      entry: 'services/dlq-auditor/dist/main.js',
      env: {
        ...common,
        ...auditorEnv(settings, secrets, group('dlq-auditor')),
        METRICS_PORT: String(ports.auditor),
      },
      readyUrl: ready(ports.auditor),
    },
    {
      name: 'poller',
      entry: 'services/poller/dist/main.js',
      env: { ...common, POLLER_CONFIG: pollerConfig, METRICS_PORT: String(ports.poller) },
      readyUrl: ready(ports.poller),
    },
    {
      name: 'router',
      entry: 'services/router/dist/main.js',
      env: {
        ...common,
        ROUTER_CONFIG_FILE: routerConfig,
        DSR_TRANSACTIONAL_ID_PREFIX: group('router'),
        METRICS_PORT: String(ports.router),
      },
      readyUrl: ready(ports.router),
    },
    {
      name: 'ingest',
      entry: 'services/ingest/dist/main.js',
      env: {
        ...common,
        INGEST_CONFIG_FILE: ingestConfig,
        DSR_TRANSACTIONAL_ID_PREFIX: group('ingest'),
        METRICS_PORT: String(ports.ingest),
      },
      readyUrl: ready(ports.ingest),
    },
  ];
}

/** The demo database's URL on the stack's PostgreSQL server. */
export function demoDatabaseUrl(endpoints: Endpoints, settings: DemoSettings): string {
  const url = new URL(endpoints.databaseUrl);
  url.pathname = `/${settings.databaseName}`;
  return url.toString();
}

function commonEnv(
  settings: DemoSettings,
  endpoints: Endpoints,
  secrets: DemoSecrets,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: demoDatabaseUrl(endpoints, settings),
    DSR_TOPIC_PREFIX: settings.topicPrefix,
    DSR_RETRY_DELAYS_MS: settings.retryDelaysMs.join(','),
    DSR_TOPIC_PARTITIONS: String(settings.partitions),
    DSR_SUBJECT_KEY_SECRET: secrets.subjectKeySecret,
    SHUTDOWN_TIMEOUT_MS: '15000',
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
}

function auditorEnv(
  settings: DemoSettings,
  secrets: DemoSecrets,
  groupId: string,
): NodeJS.ProcessEnv {
  return {
    DSR_AUDITOR_MASTER_KEYS: secrets.masterKeys,
    DSR_AUDITOR_CREDENTIALS: auditorCredentials(secrets),
    DSR_AUDITOR_DB_ROLE: 'dsr_demo_auditor',
    DSR_AUDITOR_HOST: '127.0.0.1',
    DSR_AUDITOR_PORT: String(settings.ports.auditorApi),
    DSR_AUDITOR_GROUP_ID: groupId,
    DSR_AUDITOR_CHAIN_HEAD_INTERVAL_MS: '10000',
    DSR_AUDITOR_SOURCE_SYSTEMS: DEMO_SOURCES.join(','),
  };
}

/**
 * The simulated source systems: asynchronous jobs that take a few hundred milliseconds, a
 * little latency, and a low rate of random transient faults on top of the faults forced on the
 * planned tasks.
 */
function simulatorSettings(
  settings: DemoSettings,
  forced: Record<string, Record<string, ForcedFault>>,
) {
  const sources = Object.fromEntries(
    DEMO_SOURCES.map((name, i) => [
      name,
      {
        latency: { kind: 'lognormal', p50Ms: 15 + i * 10, p99Ms: 120 },
        faults: { serverError: 0.01 },
        retryAfterSec: 1,
        job: {
          pendingMs: { kind: 'uniform', minMs: 50, maxMs: 200 },
          durationMs: { kind: 'uniform', minMs: 100, maxMs: 600 },
        },
        forced: forced[name] ?? {},
      },
    ]),
  );
  return { port: settings.ports.simulator, host: '127.0.0.1', seed: settings.seed, sources };
}

function pollerSettings(settings: DemoSettings, consumerGroup: string) {
  const origin = `http://127.0.0.1:${settings.ports.simulator}`;
  const body = {
    request_id: '{{request_id}}',
    action: '{{action}}',
    subject: '{{subject_email}}',
    changes: '{{changes}}',
  };
  const submit = { method: 'POST', path: '/sources/{source_system}/jobs', body, async: true };
  const connector = {
    kind: 'http',
    baseUrl: origin,
    timeoutMs: 5_000,
    actions: { access: submit, deletion: submit, rectification: submit },
    job: {
      idPath: 'job_id',
      status: { method: 'GET', path: '/sources/{source_system}/jobs/{job_id}' },
      statusPath: 'status',
      doneValues: ['done'],
      failedValues: ['failed'],
      resultPath: 'result',
    },
    polling: { initialDelayMs: 200, maxDelayMs: 1_000, multiplier: 2, jitterRatio: 0.2 },
  };
  const breaker = { timeoutMs: 5_000, resetTimeoutMs: 3_000, volumeThreshold: 20 };

  return {
    consumerGroup,
    concurrency: { global: 32 },
    retry: { deadlineMarginMs: 0 },
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1_000 },
    results: { kind: 'directory', path: join(settings.stateDir, 'results') },
    sources: Object.fromEntries(
      DEMO_SOURCES.map((name) => [name, { connector, maxConcurrency: 12, breaker }]),
    ),
  };
}
