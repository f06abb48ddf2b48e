import type { PipelineMetrics } from './metrics';

export interface DeadlineWatchOptions {
  metrics: PipelineMetrics;
  /** A task counts as at risk when its deadline is this close or past, in ms; default 72 h. */
  windowMs?: number;
  /** Time between two counts, in ms; default 5000. */
  intervalMs?: number;
  now?: () => number;
}

const DEADLINE_WATCH_DEFAULTS = Object.freeze({ windowMs: 72 * 3_600_000, intervalMs: 5_000 });

/**
 * Counts the tasks a service holds whose statutory deadline is near or past, into the
 * `dsr_tasks_deadline_at_risk` gauge by lane. Tracking and releasing a task move the gauge at
 * once; time moves a held task into the window without any event, so a full count is also taken
 * on a timer. The timer does not keep the process alive.
 */
export class DeadlineWatch {
  readonly #held = new Map<string, { deadline: number; lane: string; counted: boolean }>();
  readonly #lanes = new Set<string>();
  readonly #settings: Required<Omit<DeadlineWatchOptions, 'metrics'>>;
  readonly #metrics: PipelineMetrics;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DeadlineWatchOptions) {
    this.#metrics = options.metrics;
    this.#settings = {
      windowMs: options.windowMs ?? DEADLINE_WATCH_DEFAULTS.windowMs,
      intervalMs: options.intervalMs ?? DEADLINE_WATCH_DEFAULTS.intervalMs,
      now: options.now ?? Date.now,
    };
  }

  /** Starts counting on the timer; idempotent. */
  start(): void {
    if (this.#timer) return;

    this.#timer = setInterval(() => this.refresh(), this.#settings.intervalMs);
    this.#timer.unref();
  }

  /** Notes a task the service now holds, under a key unique to it (e.g. its record's offset). */
  track(key: string, deadline: number, lane: string): void {
    const counted = deadline <= this.#settings.now() + this.#settings.windowMs;
    this.#held.set(key, { deadline, lane, counted });
    this.#lanes.add(lane);
    // Adding 0 still creates the lane's series, so a dashboard shows 0 rather than no data.
    this.#metrics.deadlineAtRisk.inc({ lane }, counted ? 1 : 0);
  }

  /** Forgets a task the service no longer holds. */
  release(key: string): void {
    const entry = this.#held.get(key);
    if (!entry) return;

    this.#held.delete(key);
    if (entry.counted) this.#metrics.deadlineAtRisk.dec({ lane: entry.lane });
  }

  /** Counts now, sets the gauge for every lane seen, and returns the counts. */
  refresh(): Record<string, number> {
    const limit = this.#settings.now() + this.#settings.windowMs;
    const counts: Record<string, number> = {};
    for (const lane of this.#lanes) counts[lane] = 0;
    for (const entry of this.#held.values()) {
      entry.counted = entry.deadline <= limit;
      if (entry.counted) counts[entry.lane] = (counts[entry.lane] ?? 0) + 1;
    }

    for (const [lane, count] of Object.entries(counts)) {
      this.#metrics.deadlineAtRisk.set({ lane }, count);
    }
    return counts;
  }

  /** Stops the timer; the gauge keeps its last counts. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
