import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@dsr/shared';
import {
  DEFAULT_KNOBS,
  assertKnobsCoherent,
  loadSimulatorConfig,
  mergeKnobs,
  parseKnobsInput,
} from '../../src';

describe('knobs', () => {
  it('when an input is merged, nested objects merge and the base is left alone', () => {
    const base = mergeKnobs(DEFAULT_KNOBS, {
      faults: { serverError: 0.1 },
      job: { failRate: 0.5 },
    });

    const merged = mergeKnobs(base, {
      faults: { reset: 0.2 },
      rateLimit: { ratePerSec: 5, burst: 2 },
    });

    assert.equal(merged.faults.serverError, 0.1);
    assert.equal(merged.faults.reset, 0.2);
    assert.equal(merged.job.failRate, 0.5);
    assert.deepEqual(merged.rateLimit, { ratePerSec: 5, burst: 2 });
    assert.equal(base.faults.reset, 0);
    assert.equal(DEFAULT_KNOBS.faults.serverError, 0);
  });

  it('when rates add up past 1, it refuses them with a sentence saying what to do', () => {
    const knobs = mergeKnobs(DEFAULT_KNOBS, { faults: { serverError: 0.7, unavailable: 0.5 } });

    assert.throws(
      () => assertKnobsCoherent(knobs, 'test'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'CONFIG_INVALID' &&
        error.message ===
          'invalid configuration in test:\n  - faults: the rates add up to 1.2, which exceeds 1; ' +
            'lower some of them',
    );
  });

  it('when a knob is unknown or out of range, the error names its path', () => {
    assert.throws(
      () => parseKnobsInput({ faults: { serverErorr: 0.1 }, job: { failRate: -1 } }, 'test'),
      (error: unknown) =>
        error instanceof ConfigError &&
        /faults: /.test(error.message) &&
        /job\.failRate: /.test(error.message),
    );
  });

  it('when a lognormal latency has its p99 below its p50, it is refused', () => {
    assert.throws(
      () => parseKnobsInput({ latency: { kind: 'lognormal', p50Ms: 50, p99Ms: 10 } }, 'test'),
      /p99Ms must be at least p50Ms/,
    );
  });

  it('when an API key header is given in capitals, it is matched in lower case', () => {
    const input = parseKnobsInput({ auth: { kind: 'api-key', header: 'X-Key', key: 'k' } }, 'test');

    assert.deepEqual(input.auth, { kind: 'api-key', header: 'x-key', key: 'k' });
  });
});

describe('process configuration', () => {
  it('when the document is inline, the environment overrides its top-level fields', () => {
    const config = loadSimulatorConfig({
      SIMULATOR_CONFIG_JSON: JSON.stringify({ port: 9000, seed: 3, sources: { crm: {} } }),
      SIMULATOR_PORT: '9100',
      SIMULATOR_HOST: '0.0.0.0',
    });

    assert.deepEqual(config, { port: 9100, host: '0.0.0.0', seed: 3, sources: { crm: {} } });
  });

  it('when nothing is given, it runs on port 8090 of every interface with no sources', () => {
    assert.deepEqual(loadSimulatorConfig({}), {
      port: 8090,
      host: '0.0.0.0',
      seed: 1,
      sources: {},
    });
  });

  it('when the demo config file is read, its sources are valid', () => {
    const config = loadSimulatorConfig({}, join(__dirname, '..', '..', 'config', 'demo.json'));

    assert.deepEqual(Object.keys(config.sources), ['crm', 'billing', 'marketing']);
    assert.equal(config.port, 8070);
  });

  it('when the file is missing, it says which file could not be read', () => {
    assert.throws(
      () => loadSimulatorConfig({}, '/nonexistent/simulator.json'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'cannot read the simulator config file /nonexistent/simulator.json',
    );
  });

  it('when a source knob is invalid, the error names the source and the knob', () => {
    assert.throws(
      () =>
        loadSimulatorConfig({
          SIMULATOR_CONFIG_JSON: JSON.stringify({ sources: { crm: { retryAfterSec: 1.5 } } }),
        }),
      /sources\.crm\.retryAfterSec: /,
    );
  });
});
