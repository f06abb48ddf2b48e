import type { Logger } from '../logging/logger';

/**
 * The written order of a service's close. Steps run phase by phase and, within a phase, in the
 * order they were registered:
 *
 * 1. `stop-fetching` — pause consumers and stop accepting HTTP work, so nothing new starts;
 * 2. `drain` — finish in-flight work or hand it back (leave its offset uncommitted);
 * 3. `commit` — commit the offsets of what finished;
 * 4. `flush` — flush producers, so every record promised is written;
 * 5. `close` — close breakers, consumers, producers, pools and the ops endpoint.
 */
export const SHUTDOWN_PHASES = Object.freeze([
  'stop-fetching',
  'drain',
  'commit',
  'flush',
  'close',
] as const);
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** One step of the close. Its signal aborts when the step's share of the bound is spent. */
export type ShutdownAction = (signal: AbortSignal) => void | Promise<void>;

export interface ShutdownOptions {
  logger: Logger;
  /** The bound on the whole close, in ms; default 20000 (below Kubernetes' default 30 s grace). */
  timeoutMs?: number;
  /**
   * The least time a step gets even when the bound is already spent, in ms; default 500. It lets
   * the clients still be closed after a stuck drain, so the real bound is
   * `timeoutMs + steps × minStepMs` at worst.
   */
  minStepMs?: number;
}

export interface StepReport {
  name: string;
  phase: ShutdownPhase;
  ok: boolean;
  timedOut: boolean;
  durationMs: number;
  error?: string;
}

export interface ShutdownReport {
  reason: string;
  /** Every step finished without error within its time. */
  ok: boolean;
  durationMs: number;
  steps: StepReport[];
}

interface RegisteredStep {
  name: string;
  phase: ShutdownPhase;
  action: ShutdownAction;
}

const SHUTDOWN_DEFAULTS = Object.freeze({ timeoutMs: 20_000, minStepMs: 500 });

/**
 * Runs a service's close in its written order within a bound. Every step runs even if an earlier
 * one failed or hung; `shutdown()` returns the same promise however often it is called.
 */
export class ShutdownCoordinator {
  readonly #log: Logger;
  readonly #settings: { timeoutMs: number; minStepMs: number };
  readonly #steps: RegisteredStep[] = [];
  #running: Promise<ShutdownReport> | undefined;

  constructor(options: ShutdownOptions) {
    this.#log = options.logger.child({ component: 'shutdown' });
    this.#settings = {
      timeoutMs: options.timeoutMs ?? SHUTDOWN_DEFAULTS.timeoutMs,
      minStepMs: options.minStepMs ?? SHUTDOWN_DEFAULTS.minStepMs,
    };
  }

  /** Adds a step to a phase. Steps added after the close began are not run. */
  register(phase: ShutdownPhase, name: string, action: ShutdownAction): void {
    this.#steps.push({ name, phase, action });
  }

  /** Whether the close has begun. */
  get shuttingDown(): boolean {
    return this.#running !== undefined;
  }

  /** Begins the close (once) and resolves with what each step did. Never rejects. */
  shutdown(reason = 'requested'): Promise<ShutdownReport> {
    this.#running ??= this.#run(reason);
    return this.#running;
  }

  async #run(reason: string): Promise<ShutdownReport> {
    const startedAt = Date.now();
    const deadline = startedAt + this.#settings.timeoutMs;
    const ordered = SHUTDOWN_PHASES.flatMap((phase) =>
      this.#steps.filter((step) => step.phase === phase),
    );
    const { timeoutMs } = this.#settings;
    this.#log.info({ reason, steps: ordered.length, timeout_ms: timeoutMs }, 'shutdown started');

    const steps: StepReport[] = [];
    for (const step of ordered) {
      const budgetMs = Math.max(deadline - Date.now(), this.#settings.minStepMs);
      steps.push(await this.#runStep(step, budgetMs));
    }

    const ok = steps.every((step) => step.ok);
    const durationMs = Date.now() - startedAt;
    this.#log[ok ? 'info' : 'warn']({ reason, ok, durationMs }, 'shutdown finished');
    return { reason, ok, durationMs, steps };
  }

  async #runStep(step: RegisteredStep, budgetMs: number): Promise<StepReport> {
    const startedAt = Date.now();
    const controller = new AbortController();
    const base = { name: step.name, phase: step.phase };
    let timer: NodeJS.Timeout | undefined;
    // This timer is deliberately left referenced: when a hung step holds no handle of its own,
    // the timer is what lets the close report it and carry on, rather than the process just
    // stopping mid-close. It is cleared as soon as the step settles.
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), budgetMs);
    });

    try {
      const running = Promise.resolve().then(() => step.action(controller.signal));
      const timedOut = (await Promise.race([running, expired])) === 'timeout';
      if (timedOut) {
        controller.abort(new Error(`shutdown step ${step.name} exceeded ${budgetMs} ms`));
        this.#log.warn(
          { step: step.name, phase: step.phase, budget_ms: budgetMs },
          'shutdown step timed out',
        );
      }
      return { ...base, ok: !timedOut, timedOut, durationMs: Date.now() - startedAt };
    } catch (error) {
      this.#log.error({ err: error, step: step.name, phase: step.phase }, 'shutdown step failed');
      const message = error instanceof Error ? error.message : String(error);
      const durationMs = Date.now() - startedAt;
      return { ...base, ok: false, timedOut: false, durationMs, error: message };
    } finally {
      clearTimeout(timer);
    }
  }
}
