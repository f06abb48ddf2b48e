import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** Buckets, in seconds, for the time one service spends on one record. */
export const PROCESSING_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
]);

/**
 * Buckets, in seconds, for a task's whole journey from intake to its outcome. Retry tiers put
 * minutes and hours between attempts, so the upper buckets reach past a day.
 */
export const TASK_LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14_400, 86_400, 604_800,
]);

/** A breaker's state as the `dsr_breaker_state` gauge reports it. */
export const BREAKER_STATE_VALUES = Object.freeze({ closed: 0, half_open: 1, open: 2 });
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUES;

export interface PipelineMetricsOptions {
  /** The service name, attached to every series as the `service` label. */
  service: string;
  /** Whether to add the process metrics (CPU, memory, event-loop lag, GC); default true. */
  processMetrics?: boolean;
}

/**
 * The pipeline's standard metrics, defined once so that every service reports the same names and
 * labels and one dashboard reads them all. Each instance owns its own registry, so services run
 * in-process by tests never collide over the global one.
 */
export interface PipelineMetrics {
  readonly registry: Registry;
  /** Records read from a topic, by topic. */
  readonly recordsConsumed: Counter<'topic'>;
  /** Records written to a topic, by topic. */
  readonly recordsProduced: Counter<'topic'>;
  /** Time this service spent on one record, by lane (`none` before routing) and outcome. */
  readonly processingSeconds: Histogram<'lane' | 'outcome'>;
  /** Time from a task's receipt to its final outcome, by lane and outcome. */
  readonly taskLatencySeconds: Histogram<'lane' | 'outcome'>;
  /** Records between the group's committed offset and the end of each partition. */
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  /** Tasks or records taken from Kafka and not yet finished or handed back. */
  readonly tasksInFlight: Gauge<'lane'>;
  /** Each source system's breaker: 0 closed, 1 half-open, 2 open. */
  readonly breakerState: Gauge<'source_system'>;
  /** Calls to a source system refused by its open breaker rather than answered by the source. */
  readonly breakerRefusals: Counter<'source_system'>;
  /** Calls to a source system, by its result (`ok`, or an error code). */
  readonly sourceCalls: Counter<'source_system' | 'result'>;
  /** Tasks put on a retry tier, by tier and the error code that sent them there. */
  readonly retries: Counter<'tier' | 'reason_code'>;
  /** Tasks deferred without spending an attempt (breaker open, rate limit). */
  readonly deferrals: Counter<'source_system' | 'reason_code'>;
  /** Tasks sent to the dead-letter queue, by error category and code. */
  readonly deadLetters: Counter<'error_category' | 'reason_code'>;
  /** Records quarantined, by reason code. */
  readonly quarantined: Counter<'reason_code'>;
  /** Tasks whose deadline is near or already past, as last counted, by lane. */
  readonly deadlineAtRisk: Gauge<'lane'>;
  /** Alerts published, by kind and severity. */
  readonly alerts: Counter<'kind' | 'severity'>;
  /** Final outcomes of tasks, by outcome (`succeeded`, `dead_lettered`, `quarantined`). */
  readonly outcomes: Counter<'outcome' | 'lane'>;
}

/** Creates the standard metrics on a fresh registry labelled with the service's name. */
export function createPipelineMetrics(options: PipelineMetricsOptions): PipelineMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'dsr_' });

  const counter = <L extends string>(config: CounterConfiguration<L>) =>
    new Counter<L>({ ...config, registers: [registry] });
  const gauge = <L extends string>(config: GaugeConfiguration<L>) =>
    new Gauge<L>({ ...config, registers: [registry] });
  const histogram = <L extends string>(config: HistogramConfiguration<L>) =>
    new Histogram<L>({ ...config, registers: [registry] });

  return Object.freeze({
    registry,
    recordsConsumed: counter({
      name: 'dsr_records_consumed_total',
      help: 'Records read from a topic.',
      labelNames: ['topic'] as const,
    }),
    recordsProduced: counter({
      name: 'dsr_records_produced_total',
      help: 'Records written to a topic.',
      labelNames: ['topic'] as const,
    }),
    processingSeconds: histogram({
      name: 'dsr_processing_duration_seconds',
      help: 'Time this service spent on one record, by lane and outcome.',
      labelNames: ['lane', 'outcome'] as const,
      buckets: [...PROCESSING_BUCKETS_SECONDS],
    }),
    taskLatencySeconds: histogram({
      name: 'dsr_task_latency_seconds',
      help: 'Time from receipt of a task to its final outcome, by lane and outcome.',
      labelNames: ['lane', 'outcome'] as const,
      buckets: [...TASK_LATENCY_BUCKETS_SECONDS],
    }),
    consumerLag: gauge({
      name: 'dsr_consumer_lag',
      help: 'Records between the consumer group committed offset and the partition end.',
      labelNames: ['group', 'topic', 'partition'] as const,
    }),
    tasksInFlight: gauge({
      name: 'dsr_tasks_in_flight',
      help: 'Records taken from Kafka and not yet finished or handed back.',
      labelNames: ['lane'] as const,
    }),
    breakerState: gauge({
      name: 'dsr_breaker_state',
      help: 'Circuit breaker state per source system: 0 closed, 1 half-open, 2 open.',
      labelNames: ['source_system'] as const,
    }),
    breakerRefusals: counter({
      name: 'dsr_breaker_refusals_total',
      help: 'Calls refused by an open breaker rather than answered by the source system.',
      labelNames: ['source_system'] as const,
    }),
    sourceCalls: counter({
      name: 'dsr_source_calls_total',
      help: 'Calls to a source system, by result (ok or an error code).',
      labelNames: ['source_system', 'result'] as const,
    }),
    retries: counter({
      name: 'dsr_retries_total',
      help: 'Tasks put on a retry tier, by tier and the error code that sent them there.',
      labelNames: ['tier', 'reason_code'] as const,
    }),
    deferrals: counter({
      name: 'dsr_deferrals_total',
      help: 'Tasks deferred without spending an attempt (breaker open, rate limited).',
      labelNames: ['source_system', 'reason_code'] as const,
    }),
    deadLetters: counter({
      name: 'dsr_dead_letters_total',
      help: 'Tasks sent to the dead-letter queue, by error category and code.',
      labelNames: ['error_category', 'reason_code'] as const,
    }),
    quarantined: counter({
      name: 'dsr_quarantined_total',
      help: 'Records quarantined, by reason code.',
      labelNames: ['reason_code'] as const,
    }),
    deadlineAtRisk: gauge({
      name: 'dsr_tasks_deadline_at_risk',
      help: 'Tasks whose deadline is near or already past, as last counted, by lane.',
      labelNames: ['lane'] as const,
    }),
    alerts: counter({
      name: 'dsr_alerts_total',
      help: 'Alerts published, by kind and severity.',
      labelNames: ['kind', 'severity'] as const,
    }),
    outcomes: counter({
      name: 'dsr_task_outcomes_total',
      help: 'Final outcomes of tasks, by outcome and lane.',
      labelNames: ['outcome', 'lane'] as const,
    }),
  });
}

/** Sets a source system's breaker gauge from the breaker's state name. */
export function reportBreakerState(
  metrics: PipelineMetrics,
  sourceSystem: string,
  state: BreakerStateName,
): void {
  metrics.breakerState.set({ source_system: sourceSystem }, BREAKER_STATE_VALUES[state]);
}
