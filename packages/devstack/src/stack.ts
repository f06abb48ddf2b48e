import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DsrError, envInt, type Endpoints } from '@dsr/shared';
import { ensureApicurio, ensureKafka } from './artifacts';
import { DEFAULT_DATABASE_URL, databaseAnswers, ensureDatabase } from './database';
import { findJava } from './java';
import { brokerAnswers, prepareBroker, startBroker } from './kafka-broker';
import { statePaths, type StatePaths } from './paths';
import { isAlive, readPids, stopProcess, writePids, type PidFile } from './processes';
import { CCOMPAT_PATH, registryAnswers, startRegistry } from './registry';

/** What `up` reports for each component. */
export interface ComponentReport {
  name: 'kafka' | 'registry' | 'database';
  endpoint: string;
  pid?: number;
  /** `started` by this call, `reused` because it already answered, or `down`. */
  state: 'started' | 'reused' | 'down';
  /** How long the component took to answer after it was started. */
  readyMs?: number;
}

export interface StackSettings {
  brokerPort: number;
  controllerPort: number;
  registryPort: number;
  registryManagementPort: number;
  databaseUrl: string;
  /** How long to wait for each component to answer; default 180 s. */
  readyTimeoutMs: number;
}

export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  return {
    brokerPort: envInt(env, 'DSR_STACK_KAFKA_PORT', 19092),
    controllerPort: envInt(env, 'DSR_STACK_CONTROLLER_PORT', 19093),
    registryPort: envInt(env, 'DSR_STACK_REGISTRY_PORT', 18081),
    registryManagementPort: envInt(env, 'DSR_STACK_REGISTRY_MANAGEMENT_PORT', 18091),
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    readyTimeoutMs: envInt(env, 'DSR_STACK_READY_TIMEOUT_MS', 180_000),
  };
}

export function stackEndpoints(settings: StackSettings): Endpoints {
  return {
    kafkaBrokers: [`127.0.0.1:${settings.brokerPort}`],
    schemaRegistryUrl: `http://127.0.0.1:${settings.registryPort}${CCOMPAT_PATH}`,
    databaseUrl: settings.databaseUrl,
  };
}

/**
 * Waits until `answers` is true. Fails early, with the end of the component's log, when its
 * process has died, because waiting the full timeout for a crashed JVM helps nobody.
 */
async function awaitReady(
  name: string,
  answers: () => Promise<boolean>,
  pid: number,
  logFile: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await answers()) return Date.now() - started;
    if (!isAlive(pid)) break;
    await delay(500);
  }

  const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n') : '';
  const why = isAlive(pid) ? `did not answer within ${timeoutMs} ms` : 'exited while starting';
  throw new DsrError('STACK_UNAVAILABLE', `${name} ${why}; see ${logFile}\n${tail}`, { context: { name } });
}

async function upBroker(paths: StatePaths, settings: StackSettings, pids: PidFile): Promise<ComponentReport> {
  const brokers = stackEndpoints(settings).kafkaBrokers;
  const endpoint = brokers[0]!;
  if (await brokerAnswers(brokers)) return { name: 'kafka', endpoint, pid: pids.kafka, state: 'reused' };

  const [libs, java] = await Promise.all([ensureKafka(), findJava(17, 21)]);
  await prepareBroker(java.path, libs, paths, settings);
  const pid = startBroker(java.path, libs, paths);
  pids.kafka = pid;
  writePids(paths.pids, pids);

  const logFile = join(paths.logs, 'kafka.log');
  const readyMs = await awaitReady('kafka', () => brokerAnswers(brokers), pid, logFile, settings.readyTimeoutMs);
  return { name: 'kafka', endpoint, pid, state: 'started', readyMs };
}

async function upRegistry(paths: StatePaths, settings: StackSettings, pids: PidFile): Promise<ComponentReport> {
  const endpoint = stackEndpoints(settings).schemaRegistryUrl;
  if (await registryAnswers(endpoint)) return { name: 'registry', endpoint, pid: pids.registry, state: 'reused' };

  const [app, java] = await Promise.all([ensureApicurio(), findJava(21)]);
  const pid = startRegistry(java.path, app, paths, settings);
  pids.registry = pid;
  writePids(paths.pids, pids);

  const logFile = join(paths.logs, 'registry.log');
  const readyMs = await awaitReady('registry', () => registryAnswers(endpoint), pid, logFile, settings.readyTimeoutMs);
  return { name: 'registry', endpoint, pid, state: 'started', readyMs };
}

/**
 * Starts whatever of the stack is not answering yet and reuses what is, then writes the
 * endpoints file. Running it on a running stack changes nothing.
 */
export async function up(env: NodeJS.ProcessEnv = process.env): Promise<ComponentReport[]> {
  const paths = statePaths(env);
  const settings = stackSettings(env);
  mkdirSync(paths.logs, { recursive: true });
  const pids = readPids(paths.pids);

  const [kafka, registry] = await Promise.all([
    upBroker(paths, settings, pids),
    upRegistry(paths, settings, pids),
  ]);
  await ensureDatabase(settings.databaseUrl);
  const database: ComponentReport = { name: 'database', endpoint: redactUrl(settings.databaseUrl), state: 'reused' };

  writeFileSync(paths.endpoints, JSON.stringify(stackEndpoints(settings), null, 2));
  return [kafka, registry, database];
}

/** Stops the processes this stack started; with `purge`, deletes the broker's data too. */
export async function down(options: { purge?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const paths = statePaths(env);
  const pids = readPids(paths.pids);
  const stopped: string[] = [];

  for (const name of ['registry', 'kafka'] as const) {
    const pid = pids[name];
    if (isAlive(pid)) {
      await stopProcess(pid);
      stopped.push(name);
    }
  }

  rmSync(paths.pids, { force: true });
  rmSync(paths.endpoints, { force: true });
  if (options.purge) rmSync(paths.kafkaData, { recursive: true, force: true });
  return stopped;
}

export interface ComponentStatus {
  name: string;
  endpoint: string;
  pid?: number;
  running: boolean;
  answering: boolean;
}

/** What runs, where, and whether it answers. */
export async function status(env: NodeJS.ProcessEnv = process.env): Promise<ComponentStatus[]> {
  const settings = stackSettings(env);
  const endpoints = stackEndpoints(settings);
  const pids = readPids(statePaths(env).pids);
  const [kafka, registry, database] = await Promise.all([
    brokerAnswers(endpoints.kafkaBrokers),
    registryAnswers(endpoints.schemaRegistryUrl),
    databaseAnswers(settings.databaseUrl),
  ]);

  return [
    { name: 'kafka', endpoint: endpoints.kafkaBrokers[0]!, pid: pids.kafka, running: isAlive(pids.kafka), answering: kafka },
    { name: 'registry', endpoint: endpoints.schemaRegistryUrl, pid: pids.registry, running: isAlive(pids.registry), answering: registry },
    { name: 'database', endpoint: redactUrl(settings.databaseUrl), running: database, answering: database },
  ];
}

/** A connection URL with its password replaced, fit for printing. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
