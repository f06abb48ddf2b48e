import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ROOT } from '@dsr/shared';

/** How to run one service of the pipeline as a child process. */
export interface ServiceSpec {
  /** Name in reports and log file names, e.g. `poller`. */
  name: string;
  /** The compiled entry, relative to the repository root, e.g. `services/poller/dist/main.js`. */
  entry: string;
  env: Readonly<Record<string, string>>;
  /** The URL that answers 200 once the service is ready (its /readyz). */
  readyUrl: string;
  /** Folder for the service's log and, when profiling, its CPU profile. */
  outDir: string;
  /** Writes a V8 CPU profile into `outDir` when the process exits. */
  cpuProfile?: boolean;
}

/** Defaults of {@link ServiceProcess}. */
export const SERVICE_PROCESS_DEFAULTS = Object.freeze({
  readyTimeoutMs: 90_000,
  /** How long a service may take to drain after SIGTERM before it is killed. */
  stopTimeoutMs: 30_000,
});

/**
 * A service of the pipeline running from its compiled `dist/main.js`, exactly as it is deployed,
 * with its logs going to a file. The bench watches it from outside through /proc.
 */
export class ServiceProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #stopping: Promise<number | null> | undefined;

  private constructor(spec: ServiceSpec) {
    mkdirSync(spec.outDir, { recursive: true });
    this.name = spec.name;
    this.logFile = join(spec.outDir, `${spec.name}.log`);
    const log = createWriteStream(this.logFile);
    const profiling = spec.cpuProfile
      ? ['--cpu-prof', '--cpu-prof-dir', spec.outDir, '--cpu-prof-name', `${spec.name}.cpuprofile`]
      : [];

    this.#child = spawn(process.execPath, [...profiling, join(REPO_ROOT, spec.entry)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.pipe(log);
    this.#child.stderr?.pipe(log);
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  /** Starts the service and waits until its readiness URL answers 200. */
  static async start(spec: ServiceSpec, readyTimeoutMs?: number): Promise<ServiceProcess> {
    const service = new ServiceProcess(spec);
    try {
      await service.#waitReady(
        spec.readyUrl,
        readyTimeoutMs ?? SERVICE_PROCESS_DEFAULTS.readyTimeoutMs,
      );
    } catch (error) {
      await service.stop();
      throw error;
    }
    return service;
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** SIGTERM, a bounded wait for the service's own ordered close, then SIGKILL. */
  stop(): Promise<number | null> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<number | null> {
    if (!this.running) return this.#exited;

    this.#child.kill('SIGTERM');
    const timeout = delay(SERVICE_PROCESS_DEFAULTS.stopTimeoutMs, 'timeout' as const);
    if ((await Promise.race([this.#exited, timeout])) === 'timeout') this.#child.kill('SIGKILL');
    return this.#exited;
  }

  async #waitReady(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting: ${this.#logTail()}`);
      if (await answers(url)) return;
      await delay(250);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms: ${this.#logTail()}`);
  }

  #logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-3).join(' / ');
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
