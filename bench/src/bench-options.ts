import { ConfigError } from '@dsr/shared';

/** The measurements a run can take, in the order a full run takes them. */
export const SCENARIOS = Object.freeze([
  'ceiling',
  'throughput',
  'priority',
  'efficiency',
  'retry',
  'memory',
  'diagnosis',
] as const);

export type ScenarioName = (typeof SCENARIOS)[number];

/** How much work each measurement does. Counts are tasks unless named otherwise. */
export interface BenchScale {
  /** Records each perf tool sends or reads for the ceiling. */
  ceilingRecords: number;
  /** Tasks sent through the whole pipeline for end-to-end throughput. */
  throughputTasks: number;
  /** Standard tasks waiting in the standard lane while priority probes run. */
  backlogTasks: number;
  /** Probe tasks per second and lane sent through intake while the backlog drains. */
  probesPerSec: number;
  /** Tasks the poller executes against a slow source for concurrency efficiency. */
  efficiencyTasks: number;
  /** Simulator latency L for concurrency efficiency. */
  efficiencyLatencyMs: number;
  /** Poller concurrency cap C for concurrency efficiency. */
  efficiencyCap: number;
  /** Tasks that fail transiently, spread over the retry tiers. */
  retryTasks: number;
  /** Retry tier delays, strictly ascending. */
  retryDelaysMs: readonly number[];
  /** Tasks waiting in the standard lane while the poller's memory is watched. */
  memoryBacklogTasks: number;
  /** How long the poller's memory is watched with the backlog waiting. */
  memoryWatchMs: number;
}

/** A full run: the sizes the targets are stated for; about 15 minutes on a 2-core machine. */
export const FULL_SCALE: Readonly<BenchScale> = Object.freeze({
  ceilingRecords: 2_000_000,
  throughputTasks: 50_000,
  backlogTasks: 100_000,
  probesPerSec: 20,
  efficiencyTasks: 20_000,
  efficiencyLatencyMs: 100,
  efficiencyCap: 64,
  retryTasks: 600,
  retryDelaysMs: Object.freeze([1_000, 5_000, 15_000]),
  memoryBacklogTasks: 1_000_000,
  memoryWatchMs: 45_000,
});

/** A quick run: every measurement, a tenth of the volume or less; numbers are indicative only. */
export const QUICK_SCALE: Readonly<BenchScale> = Object.freeze({
  ceilingRecords: 300_000,
  throughputTasks: 10_000,
  backlogTasks: 10_000,
  probesPerSec: 20,
  efficiencyTasks: 3_000,
  efficiencyLatencyMs: 100,
  efficiencyCap: 64,
  retryTasks: 90,
  retryDelaysMs: Object.freeze([1_000, 2_000, 4_000]),
  memoryBacklogTasks: 100_000,
  memoryWatchMs: 15_000,
});

/** The environment variable that overrides each count, e.g. BENCH_THROUGHPUT_TASKS=50000. */
const ENV_NAMES: Readonly<Record<Exclude<keyof BenchScale, 'retryDelaysMs'>, string>> =
  Object.freeze({
    ceilingRecords: 'BENCH_CEILING_RECORDS',
    throughputTasks: 'BENCH_THROUGHPUT_TASKS',
    backlogTasks: 'BENCH_BACKLOG_TASKS',
    probesPerSec: 'BENCH_PROBES_PER_SEC',
    efficiencyTasks: 'BENCH_EFFICIENCY_TASKS',
    efficiencyLatencyMs: 'BENCH_EFFICIENCY_LATENCY_MS',
    efficiencyCap: 'BENCH_EFFICIENCY_CAP',
    retryTasks: 'BENCH_RETRY_TASKS',
    memoryBacklogTasks: 'BENCH_MEMORY_BACKLOG_TASKS',
    memoryWatchMs: 'BENCH_MEMORY_WATCH_MS',
  });

/** The scale of a run: the quick or full preset, with any BENCH_* variable taking precedence. */
export function resolveScale(quick: boolean, env: NodeJS.ProcessEnv = process.env): BenchScale {
  const scale: BenchScale = { ...(quick ? QUICK_SCALE : FULL_SCALE) };

  for (const [key, name] of Object.entries(ENV_NAMES) as [keyof typeof ENV_NAMES, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;

    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      throw new ConfigError(`${name} must be a positive integer, got "${raw}"`, {
        context: { option: name },
      });
    }
    scale[key] = value;
  }
  return scale;
}

/** Parses a comma-separated list of scenario names, refusing unknown ones. */
export function parseScenarios(list: string): ScenarioName[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SCENARIOS as readonly string[]).includes(name));

  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown scenario(s) ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`,
      { context: { option: 'only' } },
    );
  }
  return SCENARIOS.filter((name) => names.includes(name));
}
