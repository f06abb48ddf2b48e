import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  scrape,
  startPipelineProcesses,
  total,
  type MetricSample,
  type PipelineService,
} from '../support/pipeline-processes';
import { waitFor } from '../support/wait-for';

const SERVICES: readonly PipelineService[] = ['ingest', 'router', 'poller', 'dlq-auditor'];

describe('operability: metrics, health and readiness of every service', () => {
  it('answers /healthz and /readyz, and its figures move with traffic', async (t) => {
    const pipeline = await startPipelineProcesses(t, { tasks: 40 });
    const { layout, plan } = pipeline;

    for (const service of SERVICES) {
      const health = await fetch(`${pipeline.opsUrl(service)}/healthz`);
      const ready = await fetch(`${pipeline.opsUrl(service)}/readyz`);
      assert.equal(health.status, 200, service);
      assert.equal(ready.status, 200, service);
      const report = (await ready.json()) as {
        ready: boolean;
        checks: Record<string, { ok: boolean }>;
      };
      assert.deepEqual(report.checks.consumer, { ok: true }, service);
    }
    const before = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s, await scrape(pipeline.opsUrl(s))] as const)),
    );
    assert.equal(total(before.ingest!, 'dsr_records_consumed_total'), 0);

    await pipeline.submit();
    await waitFor(() => pipeline.tracker.finished, {
      timeoutMs: 180_000,
      description: 'every outcome',
    });
    const expected = (outcome: string) => plan.filter((p) => p.expected === outcome).length;
    const valid = plan.length - expected('quarantined');

    const ingest = await scrape(pipeline.opsUrl('ingest'));
    assert.equal(
      total(ingest, 'dsr_records_consumed_total', { topic: layout.topics.intake }),
      plan.length,
    );
    assert.equal(
      total(ingest, 'dsr_records_produced_total', { topic: layout.topics.validated }),
      valid,
    );
    assert.ok(total(ingest, 'dsr_quarantined_total') >= expected('quarantined'));
    assert.equal(total(ingest, 'dsr_processing_duration_seconds_count'), plan.length);
    assert.equal(total(ingest, 'dsr_records_consumed_total', { service: 'ingest' }), plan.length);

    const router = await scrape(pipeline.opsUrl('router'));
    const routed =
      total(router, 'dsr_records_produced_total', { topic: layout.topics.tasksHigh }) +
      total(router, 'dsr_records_produced_total', { topic: layout.topics.tasksStandard });
    assert.equal(
      total(router, 'dsr_records_consumed_total', { topic: layout.topics.validated }),
      valid,
    );
    assert.equal(routed, valid);

    const poller = await scrape(pipeline.opsUrl('poller'));
    const outcomes = (outcome: string) => total(poller, 'dsr_task_outcomes_total', { outcome });
    assert.equal(outcomes('succeeded'), expected('succeeded'));
    assert.equal(outcomes('dead_lettered'), expected('dead_lettered'));
    assert.equal(total(poller, 'dsr_dead_letters_total'), expected('dead_lettered'));
    assert.ok(
      total(poller, 'dsr_retries_total') > 0,
      'transient failures went through retry tiers',
    );
    const latencyCount = (outcome: string) =>
      total(poller, 'dsr_task_latency_seconds_count', { outcome });
    assert.equal(latencyCount('succeeded'), expected('succeeded'));
    assert.equal(latencyCount('dead_lettered'), expected('dead_lettered'));
    assert.equal(total(poller, 'dsr_tasks_in_flight'), 0, 'nothing left in flight');
    const atRisk = poller.filter((s) => s.name === 'dsr_tasks_deadline_at_risk');
    assert.ok(atRisk.length > 0, 'deadline risk is counted');
    assert.ok(
      atRisk.every((s) => s.value === 0),
      'no task is held any more',
    );
    assert.ok(total(poller, 'dsr_source_calls_total', { result: 'ok' }) >= expected('succeeded'));
    for (const source of ['crm', 'billing', 'support', 'marketing']) {
      assert.ok(
        poller.some((s) => s.name === 'dsr_breaker_state' && s.labels.source_system === source),
        `breaker state of ${source}`,
      );
    }

    const stored = expected('dead_lettered') + expected('quarantined');
    await waitFor(
      async () =>
        total(await scrape(pipeline.opsUrl('dlq-auditor')), 'dsr_auditor_records_stored_total') ===
        stored,
      {
        timeoutMs: 60_000,
        description: 'the auditor to store every dead letter and quarantine record',
      },
    );

    // Once everything is processed and committed, each group's measured lag settles. Every
    // transaction ends with a commit marker on each partition it wrote, which occupies an offset.
    // Ingest and router commit past the markers after their last record, so their lag returns to
    // zero. The poller and the auditor commit up to their last record, so the markers of upstream
    // producers that committed after it stay behind: at most one per upstream transactional
    // producer on each partition: ingest and router run one per input partition (3 here), the
    // poller one; quarantine is written by both ingest and router.
    const ceilings: Record<PipelineService, number> = {
      ingest: 0,
      router: 0,
      poller: 3,
      'dlq-auditor': 6,
    };
    for (const service of SERVICES) {
      const ceiling = ceilings[service];
      let lag: MetricSample[] = [];
      const settled = await waitFor(
        async () => {
          lag = (await scrape(pipeline.opsUrl(service))).filter(
            (s) => s.name === 'dsr_consumer_lag',
          );
          return lag.length > 0 && lag.every((s) => s.value <= ceiling);
        },
        { timeoutMs: 60_000, description: `${service} to report settled consumer lag` },
      ).catch(() => false);
      const shown = lag.map((s) => `${s.labels.topic}/${s.labels.partition}=${s.value}`).join(' ');
      assert.ok(settled, `${service} consumer lag did not settle: ${shown}`);
      const group = `${pipeline.settings.topicPrefix}dsr-${service}`;
      assert.ok(lag.every((s) => s.labels.group === group));
    }
  });
});
