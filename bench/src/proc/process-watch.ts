import { sampleProcess, type ProcSample } from './proc-stats';

/** How one process used the machine over a watched window. */
export interface ProcessUsage {
  name: string;
  pid: number;
  /** CPU time used inside the window. */
  cpuMs: number;
  /** `cpuMs` divided by the window: 1.0 is one core kept busy the whole time. */
  cores: number;
  /** Peak resident set size since the process started (VmHWM) at the end of the window. */
  peakRssBytes: number;
  /** The largest VmRSS seen by the samples inside the window. */
  maxSampledRssBytes: number;
  /** VmRSS at the end of the window. */
  lastRssBytes: number;
}

/** Defaults of {@link ProcessWatch}. */
export const PROCESS_WATCH_DEFAULTS = Object.freeze({ intervalMs: 500 });

interface Watched {
  name: string;
  pid: number;
  first?: ProcSample;
  last?: ProcSample;
  maxRssBytes: number;
}

/**
 * Watches a set of processes through /proc from outside them, so the measurement needs nothing
 * from the processes and costs them nothing. CPU is the difference between the first and the
 * last sample; memory is both the kernel's own high-water mark and the largest sampled RSS.
 */
export class ProcessWatch {
  private readonly targets: Watched[];
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(targets: readonly { name: string; pid: number }[], intervalMs?: number) {
    this.targets = targets.map((t) => ({ name: t.name, pid: t.pid, maxRssBytes: 0 }));
    this.intervalMs = intervalMs ?? PROCESS_WATCH_DEFAULTS.intervalMs;
  }

  /** Takes the first sample and keeps sampling until {@link stop}. */
  start(): void {
    this.startedAt = Date.now();
    this.sampleAll();
    this.timer = setInterval(() => this.sampleAll(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes the last sample and reports each process's usage inside the window. */
  stop(): ProcessUsage[] {
    clearInterval(this.timer);
    this.sampleAll();
    const elapsedMs = Math.max(1, Date.now() - this.startedAt);

    return this.targets.map((t) => {
      const cpuMs = t.first && t.last ? t.last.cpuMs - t.first.cpuMs : Number.NaN;
      return {
        name: t.name,
        pid: t.pid,
        cpuMs,
        cores: cpuMs / elapsedMs,
        peakRssBytes: t.last?.peakRssBytes ?? Number.NaN,
        maxSampledRssBytes: t.maxRssBytes,
        lastRssBytes: t.last?.rssBytes ?? Number.NaN,
      };
    });
  }

  private sampleAll(): void {
    for (const target of this.targets) {
      let sample: ProcSample;
      try {
        sample = sampleProcess(target.pid);
      } catch {
        // The process has exited; its last sample stands for the window.
        continue;
      }
      target.first ??= sample;
      target.last = sample;
      target.maxRssBytes = Math.max(target.maxRssBytes, sample.rssBytes);
    }
  }
}
