import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/logging/logger';
import { createPipelineMetrics } from '../../../src/runtime/metrics';
import { startOpsServer } from '../../../src/runtime/ops-server';
import { Readiness } from '../../../src/runtime/readiness';

const logger = createLogger({ service: 'test', level: 'silent' });

async function serve(t: { after: (fn: () => Promise<void>) => void }) {
  const metrics = createPipelineMetrics({ service: 'ingest', processMetrics: false });
  const readiness = new Readiness();
  const server = await startOpsServer({
    port: 0,
    host: '127.0.0.1',
    registry: metrics.registry,
    readiness,
    logger,
  });
  t.after(() => server.close());
  return { metrics, readiness, server };
}

describe('ops server', () => {
  it('serves the metrics in Prometheus text format', async (t) => {
    const { metrics, server } = await serve(t);
    metrics.recordsProduced.inc({ topic: 'dsr.validated' }, 2);

    const response = await fetch(`${server.url}/metrics`);

    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const expected = /dsr_records_produced_total\{topic="dsr.validated",service="ingest"\} 2/;
    assert.match(await response.text(), expected);
  });

  it('answers /healthz while the process is alive', async (t) => {
    const { server } = await serve(t);

    const response = await fetch(`${server.url}/healthz`);

    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { status: string }).status, 'alive');
  });

  it('answers /readyz with 503 and the failing check, then 200 once it passes', async (t) => {
    const { readiness, server } = await serve(t);
    let joined = false;
    readiness.register('consumer', () => ({
      ok: joined,
      detail: joined ? 'joined' : 'not joined',
    }));

    const before = await fetch(`${server.url}/readyz`);
    joined = true;
    const after = await fetch(`${server.url}/readyz`);

    assert.equal(before.status, 503);
    assert.deepEqual(((await before.json()) as { checks: unknown }).checks, {
      consumer: { ok: false, detail: 'not joined' },
    });
    assert.equal(after.status, 200);
  });

  it('answers 404 for other paths and 405 for other methods', async (t) => {
    const { server } = await serve(t);

    const missing = await fetch(`${server.url}/nope`);
    const posted = await fetch(`${server.url}/metrics`, { method: 'POST' });

    assert.equal(missing.status, 404);
    assert.equal(posted.status, 405);
  });

  it('closes idempotently', async (t) => {
    const { server } = await serve(t);

    const first = server.close();

    assert.equal(server.close(), first);
    await first;
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});
