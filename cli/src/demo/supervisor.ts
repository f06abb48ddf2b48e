import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DsrError, REPO_ROOT } from '@dsr/shared';
import type { ServiceSpec } from './service-configs';

interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  log: WriteStream;
  /** The exit code, or the signal's name, once the process has ended. */
  exited: Promise<string>;
  /** Whether the stop was asked for (and so is not reported as unexpected). */
  stopping: boolean;
}

/** How a stopped process ended. */
export interface StopResult {
  /** The exit code, or the name of the signal that ended it. */
  exit: string;
  /** Whether it overstayed the stop bound and had to be killed. */
  killed: boolean;
}

export interface SupervisorOptions {
  /** Folder of one log file per process. */
  logDir: string;
  /** How long a process may take to answer its ready URL, in ms; default 90000. */
  readyTimeoutMs?: number;
  /** Time a process may take to stop after SIGTERM before it is killed, in ms; default 20000. */
  stopTimeoutMs?: number;
}

const SUPERVISOR_DEFAULTS = Object.freeze({ readyTimeoutMs: 90_000, stopTimeoutMs: 20_000 });

/**
 * Starts the demo's processes, each with its output in a log file, and stops them in reverse
 * order: SIGTERM, so each runs its graceful close, then SIGKILL if it overstays. A process that
 * exits on its own while the demo runs is reported, with where to read why.
 */
export class Supervisor {
  readonly #running: Running[] = [];
  readonly #settings: Required<SupervisorOptions>;
  #stopping: Promise<void> | undefined;
  #onUnexpectedExit: (name: string, code: string, logFile: string) => void = () => undefined;

  constructor(options: SupervisorOptions) {
    this.#settings = { ...SUPERVISOR_DEFAULTS, ...options };
    mkdirSync(options.logDir, { recursive: true });
  }

  /** Called when a process exits while it should be running. */
  onUnexpectedExit(listener: (name: string, code: string, logFile: string) => void): void {
    this.#onUnexpectedExit = listener;
  }

  logFile(name: string): string {
    return join(this.#settings.logDir, `${name}.log`);
  }

  /** Starts one process and waits until its ready URL answers 200. */
  async start(spec: ServiceSpec, signal: AbortSignal): Promise<void> {
    const log = createWriteStream(this.logFile(spec.name), { flags: 'a' });
    const child = spawn(process.execPath, [join(REPO_ROOT, spec.entry)], {
      cwd: REPO_ROOT,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });

    const running: Running = { spec, child, log, exited: Promise.resolve(''), stopping: false };
    running.exited = once(child, 'exit').then(([code, sig]) => {
      const exit = String(sig ?? code);
      if (!running.stopping) this.#onUnexpectedExit(spec.name, exit, this.logFile(spec.name));
      return exit;
    });
    this.#running.push(running);
    await this.#waitReady(spec, child, signal);
  }

  /** The process id of the named process while it runs. */
  pid(name: string): number | undefined {
    return this.#current(name)?.child.pid;
  }

  /** Stops the named process (SIGTERM, then SIGKILL past the bound) and tells how it ended. */
  async stop(name: string): Promise<StopResult> {
    const running = this.#current(name);
    if (!running) throw new DsrError('INTERNAL', `${name} is not running`, { context: { name } });

    return this.#stop(running);
  }

  /** Stops every process, last started first; idempotent. */
  stopAll(): Promise<void> {
    this.#stopping ??= this.#stopInOrder();
    return this.#stopping;
  }

  #current(name: string): Running | undefined {
    return [...this.#running]
      .reverse()
      .find(
        (r) => r.spec.name === name && r.child.exitCode === null && r.child.signalCode === null,
      );
  }

  async #stopInOrder(): Promise<void> {
    // A Ctrl-C at a terminal reaches the whole process group, so the children may already be
    // closing on their own; none of those exits is unexpected any more.
    for (const running of this.#running) running.stopping = true;
    for (const running of [...this.#running].reverse()) {
      await this.#stop(running);
    }
  }

  async #stop(running: Running): Promise<StopResult> {
    const { child, log } = running;
    running.stopping = true;
    let killed = false;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, this.#settings.stopTimeoutMs);
      await running.exited;
      clearTimeout(timer);
    }
    log.end();
    return { exit: await running.exited, killed };
  }

  async #waitReady(spec: ServiceSpec, child: ChildProcess, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.#settings.readyTimeoutMs;
    while (Date.now() < deadline) {
      signal.throwIfAborted();
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new DsrError(
          'INTERNAL',
          `${spec.name} exited while starting; see ${this.logFile(spec.name)}`,
          {
            context: { service: spec.name },
          },
        );
      }
      const ok = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await delay(250, undefined, { signal });
    }
    const { readyTimeoutMs } = this.#settings;
    const log = this.logFile(spec.name);
    throw new DsrError(
      'INTERNAL',
      `${spec.name} was not ready within ${readyTimeoutMs} ms; see ${log}`,
      {
        context: { service: spec.name },
      },
    );
  }
}
