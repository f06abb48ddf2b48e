import type { IntakeTask } from '@dsr/shared';

/** The source systems the demo's simulator plays. */
export const DEMO_SOURCES = Object.freeze(['crm', 'billing', 'support', 'marketing'] as const);

/** What the demo expects to become of a task, and why. */
export type ExpectedOutcome = 'succeeded' | 'dead_lettered' | 'quarantined';

/** A fault the simulator is told to answer a task's request with. */
export interface ForcedFault {
  fault: 'server-error' | 'rate-limited' | 'forbidden' | 'unprocessable' | 'job-failed';
  times?: number;
}

/** One planned task: what is submitted, what is forced on it, and the outcome expected. */
export interface PlannedTask {
  task: IntakeTask;
  scenario: Scenario;
  expected: ExpectedOutcome;
  forced?: ForcedFault;
}

/** The kinds of traffic the demo mixes, each with the outcome it must reach. */
export type Scenario =
  | 'plain'
  | 'transient-then-ok'
  | 'rate-limited-then-ok'
  | 'rejected-by-source'
  | 'forbidden-by-source'
  | 'job-failed'
  | 'retries-exhausted'
  | 'unknown-source'
  | 'invalid-email';

interface ScenarioSpec {
  scenario: Scenario;
  /** Share of the traffic, out of 100. */
  weight: number;
  expected: ExpectedOutcome;
  forced?: ForcedFault;
}

/**
 * The mix: mostly tasks that succeed (some after transient failures and retries), a few that the
 * source refuses for good or that fail on every attempt (dead letters), and a few that are not
 * valid tasks at all (quarantine).
 */
const MIX: readonly ScenarioSpec[] = Object.freeze([
  { scenario: 'plain', weight: 68, expected: 'succeeded' },
  {
    scenario: 'transient-then-ok',
    weight: 8,
    expected: 'succeeded',
    forced: { fault: 'server-error', times: 1 },
  },
  {
    scenario: 'rate-limited-then-ok',
    weight: 4,
    expected: 'succeeded',
    forced: { fault: 'rate-limited', times: 1 },
  },
  {
    scenario: 'rejected-by-source',
    weight: 4,
    expected: 'dead_lettered',
    forced: { fault: 'unprocessable' },
  },
  {
    scenario: 'forbidden-by-source',
    weight: 3,
    expected: 'dead_lettered',
    forced: { fault: 'forbidden' },
  },
  { scenario: 'job-failed', weight: 2, expected: 'dead_lettered', forced: { fault: 'job-failed' } },
  {
    scenario: 'retries-exhausted',
    weight: 3,
    expected: 'dead_lettered',
    forced: { fault: 'server-error' },
  },
  { scenario: 'unknown-source', weight: 4, expected: 'quarantined' },
  { scenario: 'invalid-email', weight: 4, expected: 'quarantined' },
]);

const DAY_MS = 86_400_000;

export interface TrafficPlanOptions {
  /** Tasks to plan. */
  count: number;
  /** Identifies this run; part of every request id. */
  runId: string;
  /** Seed of the pseudo-random choices, so a run can be repeated exactly. */
  seed: number;
  nowMs: number;
}

/**
 * Plans the demo's traffic: every action, every source system, a spread of priorities,
 * jurisdictions and deadlines, and each scenario of the mix in proportion. Deterministic for a
 * seed. Subjects and emails are made up.
 */
export function planTraffic(options: TrafficPlanOptions): PlannedTask[] {
  const random = mulberry32(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const planned: PlannedTask[] = [];

  for (let i = 0; i < options.count; i += 1) {
    const spec = scenarioAt(i, options.count);
    const requestId = `demo-${options.runId}-${String(i + 1).padStart(4, '0')}`;
    const action = (['access', 'deletion', 'rectification'] as const)[i % 3]!;
    const task: IntakeTask = {
      request_id: requestId,
      subject_email: `subject-${options.runId}-${i + 1}@example.test`,
      action,
      source_system:
        spec.scenario === 'unknown-source' ? 'legacy-erp' : DEMO_SOURCES[i % DEMO_SOURCES.length]!,
      priority: 1 + Math.floor(random() * 10),
      jurisdiction: pick(['GDPR', 'CCPA', null]),
      received_at: options.nowMs,
      deadline: random() < 0.15 ? options.nowMs + (2 + Math.floor(random() * 4)) * DAY_MS : null,
      changes: action === 'rectification' ? { postal_code: String(10_000 + i) } : null,
      trace_id: null,
    };
    if (spec.scenario === 'invalid-email') task.subject_email = `subject-${i + 1}-at-example.test`;
    planned.push({ task, scenario: spec.scenario, expected: spec.expected, forced: spec.forced });
  }
  return shuffle(planned, random);
}

/**
 * The scenario of the i-th task, laid out so that each scenario's share holds for any count
 * (largest remainder), rather than drawn at random and only right on average.
 */
function scenarioAt(index: number, count: number): ScenarioSpec {
  const total = MIX.reduce((sum, s) => sum + s.weight, 0);
  let bound = 0;
  for (const spec of MIX) {
    bound += spec.weight;
    if (index < Math.round((bound / total) * count)) return spec;
  }
  return MIX[0]!;
}

/** The faults the simulator must force, per source system, keyed by request id. */
export function forcedFaultsBySource(
  plan: readonly PlannedTask[],
): Record<string, Record<string, ForcedFault>> {
  const bySource: Record<string, Record<string, ForcedFault>> = {};
  for (const { task, forced } of plan) {
    if (!forced) continue;
    bySource[task.source_system] ??= {};
    bySource[task.source_system]![task.request_id] = forced;
  }
  return bySource;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A small seeded generator (mulberry32): the plan needs repeatability, not strength. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
