import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl, stackEndpoints, stackSettings } from '../../src/stack';

describe('stack settings', () => {
  it('by default, listens on loopback ports and names the local database', () => {
    const endpoints = stackEndpoints(stackSettings({}));
    assert.deepEqual(endpoints.kafkaBrokers, ['127.0.0.1:19092']);
    assert.equal(endpoints.schemaRegistryUrl, 'http://127.0.0.1:18081/apis/ccompat/v7');
    assert.equal(endpoints.databaseUrl, 'postgresql://postgres@127.0.0.1:5432/dsr');
  });

  it('takes ports and the database from the environment', () => {
    const settings = stackSettings({ DSR_STACK_KAFKA_PORT: '29092', DATABASE_URL: 'postgresql://u:secret@db:5432/x' });
    assert.deepEqual(stackEndpoints(settings).kafkaBrokers, ['127.0.0.1:29092']);
    assert.equal(redactUrl(settings.databaseUrl), 'postgresql://u:***@db:5432/x');
  });

  it('when a port is not a number, refuses with the variable named', () => {
    assert.throws(() => stackSettings({ DSR_STACK_REGISTRY_PORT: 'eighty' }), /DSR_STACK_REGISTRY_PORT must be an integer/);
  });
});
