import {
  correlatedLogger,
  type Alert,
  type Logger,
  type PipelineMetrics,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import type { Delivery } from '../consume/record-intake';
import type { Failure } from '../failure/classify-failure';
import type { OutboundRecord } from '../outcome/outbound-record';
import { PartitionRevokedError, type OutcomeCommitter } from '../outcome/outcome-committer';
import type { OutcomeRecords } from '../outcome/outcome-records';
import type { ResultsDestination } from '../results/results-destination';
import type { RetryPolicy } from '../retry/retry-decision';
import { tierForWait } from '../retry/tier-selection';
import type { ConcurrencyLimits } from '../schedule/concurrency-limits';
import { PriorityScheduler } from '../schedule/priority-scheduler';
import { runAttempt, type AttemptOutcome } from './attempt';
import type { SourceGuard } from './source-guard';

/** The collaborators a task runner wires together. */
export interface TaskRunnerOptions {
  guards: ReadonlyMap<string, SourceGuard>;
  limits: ConcurrencyLimits;
  committer: OutcomeCommitter;
  records: OutcomeRecords;
  results: ResultsDestination;
  policy: RetryPolicy;
  layout: TopicLayout;
  logger: Logger;
  metrics?: PipelineMetrics;
  /** Called when a delivery's outcome is committed (or dropped), to release backpressure. */
  onSettled: (delivery: Delivery) => void;
  now?: () => number;
}

type Queued = Delivery & { sourceSystem: string };

/**
 * Runs deliveries against their source systems: waiting ones in a priority scheduler, running
 * ones within the global and per-source caps and the sources' rate limits. A slot is freed as
 * soon as the source answers; the outcome is then committed in the background.
 */
export class TaskRunner {
  readonly #options: TaskRunnerOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #scheduler = new PriorityScheduler<Queued>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #wakeUp: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: TaskRunnerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'task-runner' });
    this.#now = options.now ?? Date.now;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.#scheduler.size;
  }

  /** Takes a delivery: moves it on, dead-letters it, or queues it for execution. */
  accept(delivery: Delivery): void {
    if (this.#stopped) return;

    if (delivery.kind === 'rehop') {
      const tier = tierForWait(
        this.#options.policy.tiers,
        (delivery.task.not_before ?? 0) - this.#now(),
      );
      this.#commit(delivery, [
        this.#options.records.hop(delivery.task, tier.topic, delivery.original),
      ]);
      return;
    }
    if (!this.#options.guards.has(delivery.task.source_system)) {
      this.#commit(delivery, this.#unknownSource(delivery));
      return;
    }
    this.#scheduler.enqueue({ ...delivery, sourceSystem: delivery.task.source_system });
    this.#dispatch();
  }

  /** Drops waiting deliveries whose partitions this member no longer owns. */
  dropWhere(matches: (delivery: Delivery) => boolean): number {
    const dropped = this.#scheduler.removeWhere(matches);
    for (const delivery of dropped) this.#options.onSettled(delivery);
    return dropped.length;
  }

  /**
   * Stops starting tasks and drops the waiting ones (they were not committed, so they are
   * delivered again); waits up to `graceMs` for running ones, then aborts the rest.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#wakeUp);
    this.#scheduler.removeWhere(() => true);

    const settled = Promise.allSettled([...this.#inFlight]);
    const timer = setTimeout(() => this.#abort.abort(), graceMs);
    await settled;
    clearTimeout(timer);
  }

  #dispatch(): void {
    const { limits, guards } = this.#options;
    while (!this.#stopped && limits.hasGlobalSlot() && this.#scheduler.size > 0) {
      const now = this.#now();
      const next = this.#scheduler.take(
        (source) => limits.canStart(source) && guards.get(source)!.admit(now),
      );
      if (!next) {
        this.#scheduleWakeUp(now);
        return;
      }
      limits.tryAcquire(next.sourceSystem);
      this.#start(next);
    }
  }

  /** When only rate limits hold tasks back, try again once a token is due. */
  #scheduleWakeUp(now: number): void {
    if (this.#wakeUp) return;

    const waits = [...this.#options.guards.values()]
      .map((g) => g.waitMs(now))
      .filter((ms) => ms > 0);
    if (waits.length === 0) return;

    this.#wakeUp = setTimeout(
      () => {
        this.#wakeUp = undefined;
        this.#dispatch();
      },
      Math.max(1, Math.min(...waits)),
    );
    this.#wakeUp.unref();
  }

  #start(delivery: Queued): void {
    const guard = this.#options.guards.get(delivery.sourceSystem)!;
    this.#options.metrics?.tasksInFlight.inc({ lane: delivery.lane });
    let holdsSlot = true;
    const releaseSlot = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      this.#options.limits.release(delivery.sourceSystem);
      this.#dispatch();
    };
    const running = runAttempt(delivery, {
      guard,
      results: this.#options.results,
      records: this.#options.records,
      policy: this.#options.policy,
      signal: this.#abort.signal,
      now: this.#now,
      onSourceSettled: releaseSlot,
    })
      .then(
        (outcome) => {
          this.#observe(delivery, outcome);
          this.#commit(delivery, outcome.records);
        },
        (error: unknown) => {
          // Only an abort reaches here: the task is left uncommitted and is delivered again.
          this.#taskLog(delivery).debug({ err: error }, 'attempt abandoned');
        },
      )
      .finally(() => {
        this.#options.metrics?.tasksInFlight.dec({ lane: delivery.lane });
        this.#inFlight.delete(running);
        releaseSlot();
        this.#dispatch();
      });
    this.#inFlight.add(running);
  }

  #commit(delivery: Delivery, records: OutboundRecord[]): void {
    this.#options.committer
      .submit({ position: delivery.position, tracker: delivery.tracker, records })
      .then(() => this.#countAlerts(records))
      .catch((error: unknown) => {
        if (!(error instanceof PartitionRevokedError))
          this.#taskLog(delivery).error({ err: error }, 'outcome not recorded');
      })
      .finally(() => this.#options.onSettled(delivery));
  }

  /**
   * The logger for lines about one task: they carry the task's `request_id`, `trace_id`, lane,
   * source system and consumed record, as every service's lines about a task do, so one search
   * by request or trace id finds the poller's lines with the others.
   */
  #taskLog(delivery: Delivery): Logger {
    const { task, lane, position } = delivery;
    return correlatedLogger(this.#log, {
      request_id: task.request_id,
      trace_id: task.trace_id,
      lane,
      source_system: task.source_system,
      topic: position.topic,
      partition: position.partition,
      offset: String(position.offset),
    });
  }

  /** Counts alerts once they are committed, so a rolled-back outcome is not counted. */
  #countAlerts(records: OutboundRecord[]): void {
    for (const { topic, value } of records) {
      if (topic !== this.#options.layout.topics.alerts) continue;

      const { kind, severity } = value as Alert;
      this.#options.metrics?.alerts.inc({ kind, severity });
    }
  }

  #unknownSource(delivery: Delivery): OutboundRecord[] {
    const task: RoutedTask = { ...delivery.task, not_before: null };
    const failure: Failure = {
      code: 'UNKNOWN_SOURCE_SYSTEM',
      category: 'permanent',
      breakerRefusal: false,
      retryAfterMs: undefined,
      message: `no connector is configured for source system ${task.source_system}`,
    };
    const nowMs = this.#now();
    this.#taskLog(delivery).error(
      { attempt: task.attempt, error_code: failure.code, breaker_refusal: false },
      'task dead-lettered',
    );
    return [
      this.#options.records.audit(task, 'dead_lettered', delivery.position, nowMs, {
        reasonCode: failure.code,
      }),
      this.#options.records.deadLetter(task, failure, task.attempt, delivery.position, nowMs),
      this.#options.records.deadLetterAlert(task, failure, failure.code, delivery.position, nowMs),
    ];
  }

  #observe(delivery: Queued, outcome: AttemptOutcome): void {
    const { metrics } = this.#options;
    const log = this.#taskLog(delivery);
    const code = outcome.failure?.code;
    const fields = { attempt: outcome.attempt, error_code: code };
    metrics?.sourceCalls.inc({ source_system: delivery.sourceSystem, result: code ?? 'ok' });
    if (outcome.failure?.breakerRefusal)
      metrics?.breakerRefusals.inc({ source_system: delivery.sourceSystem });

    if (outcome.kind === 'dead_lettered' || outcome.kind === 'succeeded') {
      const journeySeconds = Math.max(0, this.#now() - delivery.task.received_at) / 1000;
      metrics?.taskLatencySeconds.observe(
        { lane: delivery.lane, outcome: outcome.kind },
        journeySeconds,
      );
    }

    if (outcome.kind === 'retry_scheduled') {
      metrics?.retries.inc({ tier: outcome.tier!.name, reason_code: code! });
      log.debug({ ...fields, tier: outcome.tier!.name }, 'task retry scheduled');
    } else if (outcome.kind === 'deferred') {
      metrics?.deferrals.inc({ source_system: delivery.sourceSystem, reason_code: code! });
      log.debug(fields, 'task deferred');
    } else if (outcome.kind === 'dead_lettered') {
      metrics?.deadLetters.inc({
        error_category: outcome.failure!.category,
        reason_code: outcome.failure!.code,
      });
      metrics?.outcomes.inc({ outcome: 'dead_lettered', lane: delivery.lane });
      log.error(
        { ...fields, breaker_refusal: outcome.failure!.breakerRefusal },
        'task dead-lettered',
      );
    } else if (outcome.kind === 'succeeded') {
      metrics?.outcomes.inc({ outcome: 'succeeded', lane: delivery.lane });
      log.debug({ attempt: outcome.attempt }, 'task succeeded');
    }
  }
}
