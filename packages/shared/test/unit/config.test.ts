import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { resolveEndpoints } from '../../src/config/endpoints';
import { envInt, parseConfig } from '../../src/config/load-config';
import { ConfigError, DsrError } from '../../src/errors';

describe('parseConfig', () => {
  const schema = z.object({ lane: z.object({ maxInFlight: z.number().int().positive() }), name: z.string() });

  it('when valid, returns the parsed value', () => {
    assert.deepEqual(parseConfig(schema, { lane: { maxInFlight: 4 }, name: 'a' }, 'test'), {
      lane: { maxInFlight: 4 },
      name: 'a',
    });
  });

  it('when invalid, names every broken option path in one error', () => {
    assert.throws(() => parseConfig(schema, { lane: { maxInFlight: 0 } }, 'poller.json'), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^invalid configuration in poller\.json:/);
      assert.match(error.message, /lane\.maxInFlight: /);
      assert.match(error.message, /name: /);
      return true;
    });
  });

  it('envInt reads integers and refuses anything else', () => {
    assert.equal(envInt({ N: '42' }, 'N', 1), 42);
    assert.equal(envInt({}, 'N', 7), 7);
    assert.throws(() => envInt({ N: '4.5' }, 'N', 1), /N must be an integer, got "4.5"/);
  });
});

describe('resolveEndpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsr-endpoints-'));
  const file = {
    kafkaBrokers: ['127.0.0.1:1'],
    schemaRegistryUrl: 'http://127.0.0.1:2/apis/ccompat/v7',
    databaseUrl: 'postgresql://postgres@127.0.0.1:5432/dsr',
  };
  writeFileSync(join(dir, 'endpoints.json'), JSON.stringify(file));

  it('when all three variables are set, uses them and ignores the file', () => {
    const endpoints = resolveEndpoints({
      DSR_STACK_DIR: dir,
      KAFKA_BROKERS: 'a:9092, b:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8080',
      DATABASE_URL: 'postgres://db/dsr',
    });
    assert.deepEqual(endpoints.kafkaBrokers, ['a:9092', 'b:9092']);
    assert.equal(endpoints.schemaRegistryUrl, 'http://registry:8080');
  });

  it('when some are set, they override the stack file', () => {
    const endpoints = resolveEndpoints({ DSR_STACK_DIR: dir, DATABASE_URL: 'postgres://other/db' });
    assert.deepEqual(endpoints.kafkaBrokers, file.kafkaBrokers);
    assert.equal(endpoints.databaseUrl, 'postgres://other/db');
  });

  it('when nothing is known, says how to start the stack', () => {
    assert.throws(() => resolveEndpoints({ DSR_STACK_DIR: join(dir, 'missing') }), (error: unknown) => {
      assert.ok(error instanceof DsrError);
      assert.equal(error.code, 'STACK_UNAVAILABLE');
      assert.match(error.message, /npm run stack -- up/);
      return true;
    });
  });
});
