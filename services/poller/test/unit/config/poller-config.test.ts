import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { ConfigError, REPO_ROOT } from '@dsr/shared';
import { loadPollerConfig, parsePollerConfig } from '../../../src/config/poller-config';

function valid(): Record<string, unknown> {
  return {
    concurrency: { global: 8 },
    results: { kind: 'directory', path: '/tmp/results' },
    sources: {
      crm: {
        maxConcurrency: 4,
        connector: {
          kind: 'http',
          baseUrl: 'http://127.0.0.1:8090',
          actions: { deletion: { method: 'POST', path: '/sources/crm/requests' } },
        },
      },
    },
  };
}

function problemsOf(raw: unknown): string {
  try {
    parsePollerConfig(raw, 'poller.json');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.category, 'configuration');
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

describe('parsePollerConfig', () => {
  it('when the file is valid → defaults are filled in', () => {
    const config = parsePollerConfig(valid(), 'poller.json');
    assert.equal(config.consumerGroup, 'dsr-poller');
    assert.deepEqual(config.buffer, { highWaterMark: 500, lowWaterMark: 100 });
    assert.equal(config.sources.crm?.breaker.resetTimeoutMs, 30_000);
  });

  it('when an option has the wrong type → the error names its path and the file', () => {
    const raw = valid();
    (raw.concurrency as Record<string, unknown>).global = 'many';
    const message = problemsOf(raw);
    assert.match(message, /^invalid configuration in poller\.json:/);
    assert.match(message, /concurrency\.global: /);
  });

  it('when a source cap exceeds the global cap → the rule across options is reported', () => {
    const raw = valid();
    (raw.sources as Record<string, Record<string, unknown>>).crm!.maxConcurrency = 99;
    assert.match(
      problemsOf(raw),
      /sources\.crm\.maxConcurrency: must not exceed concurrency\.global/,
    );
  });

  it('when the water marks are inverted → the low-water mark is reported', () => {
    const raw = { ...valid(), buffer: { highWaterMark: 10, lowWaterMark: 10 } };
    assert.match(problemsOf(raw), /buffer\.lowWaterMark: must be below buffer\.highWaterMark/);
  });

  it('when an action is async without job settings → the action path is reported', () => {
    const raw = valid();
    const crm = (raw.sources as Record<string, { connector: { actions: Record<string, unknown> } }>)
      .crm!;
    crm.connector.actions.access = { method: 'POST', path: '/jobs', async: true };
    assert.match(
      problemsOf(raw),
      /sources\.crm\.connector\.actions\.access\.async: an async action needs "job"/,
    );
  });

  it('when a credential variable is not set → the error names the option and the variable', () => {
    const raw = valid();
    const crm = (raw.sources as Record<string, { connector: Record<string, unknown> }>).crm!;
    crm.connector.auth = { kind: 'bearer', tokenEnv: 'DSR_TEST_TOKEN_THAT_IS_NOT_SET' };
    assert.equal(
      problemsOf(raw),
      'invalid configuration in poller.json:\n  - sources.crm.connector.auth.tokenEnv: ' +
        'environment variable DSR_TEST_TOKEN_THAT_IS_NOT_SET is not set',
    );
  });

  it('when a table name is not a plain identifier → it is refused before any SQL is built', () => {
    const raw = valid();
    (raw.sources as Record<string, unknown>).ledger = {
      connector: {
        kind: 'postgres',
        connectionString: 'postgres://localhost/ledger',
        tables: [{ table: 'accounts; DROP TABLE x', subjectColumn: 'email' }],
      },
    };
    assert.match(
      problemsOf(raw),
      /sources\.ledger\.connector\.tables\.0\.table: must be "table" or "schema\.table"/,
    );
  });

  it('when unknown options are present → they are reported rather than ignored', () => {
    assert.match(
      problemsOf({ ...valid(), concurency: { global: 1 } }),
      /\(root\): Unrecognized key/i,
    );
  });

  it('when the compose deployment starts the poller → its configuration file is valid', () => {
    const config = loadPollerConfig(join(REPO_ROOT, 'docs/compose/poller.json'));
    assert.deepEqual(Object.keys(config.sources).sort(), ['billing', 'crm', 'support']);
    assert.equal(config.results.kind, 'postgres');
  });
});
