import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/errors';
import { createLogger } from '../../../src/logging/logger';
import { runtimeSettingsFromEnv, startServiceRuntime } from '../../../src/runtime/service-runtime';

const logger = createLogger({ service: 'test', level: 'silent' });
const settings = { metricsPort: 0, metricsHost: '127.0.0.1' };

describe('service runtime', () => {
  it('reads its settings from the environment, with defaults', () => {
    assert.deepEqual(runtimeSettingsFromEnv({}), {
      metricsPort: 9464,
      metricsHost: '0.0.0.0',
      shutdownTimeoutMs: 20_000,
    });
    assert.equal(runtimeSettingsFromEnv({ METRICS_PORT: '9101' }).metricsPort, 9101);
  });

  it('rejects an impossible port, naming the option', () => {
    assert.throws(
      () => runtimeSettingsFromEnv({ METRICS_PORT: '70000' }),
      (error: unknown) => error instanceof ConfigError && /metricsPort/.test(error.message),
    );
  });

  it('reports draining on /readyz while its close runs, then stops the endpoint', async () => {
    const runtime = await startServiceRuntime({ service: 'router', logger, settings });
    runtime.readiness.register('consumer', () => true);
    let statusDuringClose = 0;
    runtime.onShutdown('drain', 'in-flight', async () => {
      statusDuringClose = (await fetch(`${runtime.server.url}/readyz`)).status;
    });

    const ready = await fetch(`${runtime.server.url}/readyz`);
    const report = await runtime.shutdown('test');

    assert.equal(ready.status, 200);
    assert.equal(statusDuringClose, 503);
    assert.equal(report.ok, true);
    assert.equal(runtime.shuttingDown, true);
    await assert.rejects(fetch(`${runtime.server.url}/healthz`));
  });
});
