/** What one readiness check found. `detail` carries identifiers only, never personal data. */
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

/**
 * A readiness check: true/false, or a result with a detail. A check that throws or exceeds its
 * time is reported as not ready, with the reason.
 */
export type ReadinessCheck = () => boolean | CheckResult | Promise<boolean | CheckResult>;

/** The answer of `/readyz`. */
export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: Record<string, CheckResult>;
}

export interface ReadinessOptions {
  /** The longest one check may take before it counts as failed, in ms; default 2000. */
  checkTimeoutMs?: number;
}

const READINESS_DEFAULTS = Object.freeze({ checkTimeoutMs: 2_000 });

/**
 * The checks that decide whether a service should receive work: its consumer has joined its
 * group, its broker and registry answer. A service that is draining is never ready, whatever its
 * checks say, so that an orchestrator stops routing to it before it stops.
 */
export class Readiness {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #settings: Required<ReadinessOptions>;
  #draining = false;

  constructor(options: ReadinessOptions = {}) {
    this.#settings = { ...READINESS_DEFAULTS, ...options };
  }

  /** Adds or replaces the check with this name. */
  register(name: string, check: ReadinessCheck): void {
    this.#checks.set(name, check);
  }

  /** Marks the service as shutting down: from now on it reports not ready. */
  markDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Runs every check concurrently and reports each one. */
  async evaluate(): Promise<ReadinessReport> {
    const names = [...this.#checks.keys()];
    const results = await Promise.all(
      names.map((name) => runCheck(this.#checks.get(name)!, this.#settings.checkTimeoutMs)),
    );
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const allOk = results.every((result) => result.ok);

    return { ready: allOk && !this.#draining, draining: this.#draining, checks };
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    const answer = { ok: false, detail: `no answer within ${timeoutMs} ms` };
    timer = setTimeout(() => resolve(answer), timeoutMs);
  });

  try {
    const answer = await Promise.race([Promise.resolve().then(check), timeout]);
    return typeof answer === 'boolean' ? { ok: answer } : answer;
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
