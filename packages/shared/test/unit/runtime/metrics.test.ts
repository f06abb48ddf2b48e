import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPipelineMetrics, reportBreakerState } from '../../../src/runtime/metrics';

describe('pipeline metrics', () => {
  it('labels every series with the service name', async () => {
    const metrics = createPipelineMetrics({ service: 'router', processMetrics: false });
    metrics.recordsConsumed.inc({ topic: 'dsr.validated' }, 3);

    const text = await metrics.registry.metrics();

    assert.match(text, /dsr_records_consumed_total\{topic="dsr.validated",service="router"\} 3/);
  });

  it('keeps two instances apart, so in-process services never collide', async () => {
    const first = createPipelineMetrics({ service: 'ingest', processMetrics: false });
    const second = createPipelineMetrics({ service: 'poller', processMetrics: false });
    first.quarantined.inc({ reason_code: 'DECODE_BAD_MAGIC_BYTE' });

    const value = await second.quarantined.get();

    assert.deepEqual(value.values, []);
  });

  it('reports a breaker state by name as 0, 1 or 2', async () => {
    const metrics = createPipelineMetrics({ service: 'poller', processMetrics: false });
    reportBreakerState(metrics, 'crm', 'open');
    reportBreakerState(metrics, 'billing', 'half_open');

    const { values } = await metrics.breakerState.get();
    const bySource = Object.fromEntries(values.map((v) => [v.labels.source_system, v.value]));

    assert.deepEqual(bySource, { crm: 2, billing: 1 });
  });

  it('adds the process metrics under the dsr_ prefix when asked', async () => {
    const metrics = createPipelineMetrics({ service: 'ingest' });

    const text = await metrics.registry.metrics();

    assert.match(text, /^dsr_process_cpu_seconds_total/m);
  });
});
