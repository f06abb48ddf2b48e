import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@dsr/shared';
import { ingestConfigFromEnv } from '../../../src/config/ingest-config';

function fileWith(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ingest-config-')), 'ingest.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(run: () => unknown): ConfigError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, String(caught));
  return caught;
}

describe('ingestConfigFromEnv', () => {
  it('when only DSR_SOURCE_SYSTEMS is set, takes it and the GDPR/CCPA defaults', () => {
    const config = ingestConfigFromEnv({ DSR_SOURCE_SYSTEMS: 'crm, billing' });
    assert.deepEqual(config.sourceSystems, ['crm', 'billing']);
    assert.deepEqual(config.jurisdictions, { GDPR: { months: 1 }, CCPA: { days: 45 } });
    assert.equal(config.defaultJurisdiction, 'GDPR');
    assert.equal(config.consumerGroup, 'dsr-ingest');
  });

  it('when a file extends the jurisdiction table, uses it', () => {
    const file = fileWith({
      sourceSystems: ['crm'],
      jurisdictions: { LGPD: { days: 15 } },
      defaultJurisdiction: 'LGPD',
    });
    assert.deepEqual(ingestConfigFromEnv({ INGEST_CONFIG_FILE: file }).jurisdictions, {
      LGPD: { days: 15 },
    });
  });

  it('when no source system is configured, names the option', () => {
    assert.match(configError(() => ingestConfigFromEnv({})).message, /sourceSystems: /);
  });

  it('when a rule gives both months and days or the default is not in the table, names each path', () => {
    const file = fileWith({
      sourceSystems: ['crm'],
      jurisdictions: { GDPR: { months: 1, days: 30 } },
      defaultJurisdiction: 'CCPA',
    });
    const message = configError(() => ingestConfigFromEnv({ INGEST_CONFIG_FILE: file })).message;
    assert.match(message, /jurisdictions\.GDPR: give exactly one of months or days/);
  });

  it('when the default jurisdiction is not configured, says which ones are', () => {
    const file = fileWith({ sourceSystems: ['crm'], defaultJurisdiction: 'LGPD' });
    assert.match(
      configError(() => ingestConfigFromEnv({ INGEST_CONFIG_FILE: file })).message,
      /defaultJurisdiction: must be one of the configured jurisdictions \(GDPR, CCPA\)/,
    );
  });

  it('when the heartbeat is above a third of the session timeout, refuses it', () => {
    const file = fileWith({
      sourceSystems: ['crm'],
      sessionTimeoutMs: 9_000,
      heartbeatIntervalMs: 4_000,
    });
    assert.match(
      configError(() => ingestConfigFromEnv({ INGEST_CONFIG_FILE: file })).message,
      /heartbeatIntervalMs: must be at most a third/,
    );
  });

  it('when the file is not JSON, says which file', () => {
    const file = fileWith('{ not json');
    assert.match(
      configError(() => ingestConfigFromEnv({ INGEST_CONFIG_FILE: file })).message,
      /is not readable JSON/,
    );
  });
});
