import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../bench-context';
import { retryDelaysEnv, type BenchLayout } from '../kafka/bench-layout';
import { BENCH_SOURCE } from '../load/task-samples';
import { freePort } from './free-port';
import { ServiceProcess } from './service-process';

/** The parts of the pipeline a measurement runs. The simulator and the poller always run. */
export type Stage = 'ingest' | 'router';

/** How the pipeline of one measurement is set up. */
export interface PipelineSpec {
  /** Names the measurement in group ids, transactional ids and the output folder. */
  scenario: string;
  layout: BenchLayout;
  /** Stages upstream of the poller to run; none when the bench writes to the lanes itself. */
  stages: readonly Stage[];
  /** The poller's global (and the source's) concurrency cap. */
  concurrency: number;
  /** Knobs of the simulated source system (latency, faults, forced faults). */
  sourceKnobs: Record<string, unknown>;
  /** Keeps the source's breaker closed, so induced failures become retries, not deferrals. */
  breakerOff?: boolean;
  /** Router settings over its defaults, for diagnostic runs (e.g. deletion holds off). */
  routerSettings?: Record<string, unknown>;
}

/** The child processes of one measurement. */
export interface RunningPipeline {
  processes: ServiceProcess[];
  /** Base URL of the simulator's shared port, where its control API answers. */
  simulatorUrl: string;
  /** Stops every process (SIGTERM, then SIGKILL after a bounded wait). */
  stop(): Promise<void>;
}

const ENTRIES: Readonly<Record<Stage | 'poller' | 'simulator', string>> = Object.freeze({
  simulator: 'simulator/dist/main.js',
  ingest: 'services/ingest/dist/main.js',
  router: 'services/router/dist/main.js',
  poller: 'services/poller/dist/main.js',
});

/**
 * Starts the simulator, then the poller, then the upstream stages, each as a child process from
 * its compiled entry, each waiting for the previous to be ready. A failure stops what started.
 */
export async function startPipeline(
  context: BenchContext,
  spec: PipelineSpec,
): Promise<RunningPipeline> {
  const outDir = join(context.outDir, spec.scenario);
  mkdirSync(outDir, { recursive: true });
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  const simulatorPort = await freePort();

  try {
    processes.push(await startSimulator(context, spec, outDir, simulatorPort));
    const pollerConfig = writePollerConfig(context, spec, outDir, simulatorPort);
    processes.push(
      await startService(context, spec, outDir, 'poller', { POLLER_CONFIG: pollerConfig }),
    );
    for (const stage of spec.stages) {
      processes.push(
        await startService(context, spec, outDir, stage, stageEnv(spec, stage, outDir)),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { processes, simulatorUrl: `http://127.0.0.1:${simulatorPort}`, stop };
}

function commonEnv(context: BenchContext, spec: PipelineSpec): Record<string, string> {
  const { endpoints } = context.stack;
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
    DATABASE_URL: endpoints.databaseUrl,
    DSR_TOPIC_PREFIX: spec.layout.prefix,
    DSR_RETRY_DELAYS_MS: retryDelaysEnv(spec.layout.layout),
    DSR_TOPIC_PARTITIONS: String(spec.layout.layout.specs[0]?.partitions ?? 6),
    DSR_SUBJECT_KEY_SECRET: `bench-subject-key-secret-${context.runId}`,
    LOG_LEVEL: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'warn',
  };
}

async function startSimulator(
  context: BenchContext,
  spec: PipelineSpec,
  outDir: string,
  port: number,
): Promise<ServiceProcess> {
  const configFile = join(outDir, 'simulator.json');
  writeFileSync(
    configFile,
    JSON.stringify({ port, sources: { [BENCH_SOURCE]: spec.sourceKnobs } }),
  );
  return ServiceProcess.start({
    name: 'simulator',
    entry: ENTRIES.simulator,
    env: { SIMULATOR_CONFIG: configFile, LOG_LEVEL: 'warn' },
    readyUrl: `http://127.0.0.1:${port}/control/health`,
    outDir,
    cpuProfile: profiling('simulator'),
  });
}

async function startService(
  context: BenchContext,
  spec: PipelineSpec,
  outDir: string,
  name: Stage | 'poller',
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const metricsPort = await freePort();
  return ServiceProcess.start({
    name,
    entry: ENTRIES[name],
    env: { ...commonEnv(context, spec), METRICS_PORT: String(metricsPort), ...env },
    readyUrl: `http://127.0.0.1:${metricsPort}/readyz`,
    outDir,
    cpuProfile: profiling(name),
  });
}

/** BENCH_CPU_PROF names the processes to profile (comma-separated, or `all`). */
function profiling(name: string): boolean {
  const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',').map((n) => n.trim());
  return wanted.includes(name) || wanted.includes('all');
}

function stageEnv(spec: PipelineSpec, stage: Stage, outDir: string): Record<string, string> {
  const group = `${spec.layout.prefix}${stage}`;
  if (stage === 'ingest') {
    const configFile = join(outDir, 'ingest.json');
    writeFileSync(
      configFile,
      JSON.stringify({ consumerGroup: group, sourceSystems: [BENCH_SOURCE] }),
    );
    return { INGEST_CONFIG_FILE: configFile, DSR_TRANSACTIONAL_ID_PREFIX: group };
  }
  const configFile = join(outDir, 'router.json');
  writeFileSync(configFile, JSON.stringify({ ...spec.routerSettings, consumerGroup: group }));
  return { ROUTER_CONFIG_FILE: configFile, DSR_TRANSACTIONAL_ID_PREFIX: group };
}

function writePollerConfig(
  context: BenchContext,
  spec: PipelineSpec,
  outDir: string,
  simulatorPort: number,
): string {
  const file = join(outDir, 'poller.json');
  const request = (action: string) => ({
    method: 'POST',
    path: `/sources/${BENCH_SOURCE}/requests`,
    body: {
      request_id: '{{request_id}}',
      action,
      subject: '{{subject_email}}',
      changes: '{{changes}}',
    },
    ...(action === 'access' ? { resultPath: 'result' } : {}),
  });
  const breaker = spec.breakerOff
    ? { errorThresholdPercentage: 100, volumeThreshold: 1_000_000_000 }
    : {};

  const config = {
    consumerGroup: `${spec.layout.prefix}poller`,
    concurrency: { global: spec.concurrency },
    results: { kind: 'directory', path: join(outDir, 'results') },
    sources: {
      [BENCH_SOURCE]: {
        maxConcurrency: spec.concurrency,
        breaker,
        connector: {
          kind: 'http',
          baseUrl: `http://127.0.0.1:${simulatorPort}`,
          actions: {
            access: request('access'),
            deletion: request('deletion'),
            rectification: request('rectification'),
          },
        },
      },
    },
  };
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
