import type { Logger } from '@dsr/shared';

/**
 * Runs an async task every `intervalMs`, never two at once, with a timer that does not keep the
 * process alive. A failed run is logged and the next one happens on schedule.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Schedules the runs. */
  start(): void {
    if (this.timer || this.closing) return;

    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** Runs the task now unless a run is in progress (then waits for that one). */
  runOnce(): Promise<void> {
    this.running ??= this.task()
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err, task: this.name }, 'periodic task failed'),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops scheduling and waits for a run in progress. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      await this.running;
    })();
    return this.closing;
  }
}
