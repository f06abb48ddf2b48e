import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, type RoutedTask } from '@dsr/shared';
import { readJsonPath } from '../../../src/connectors/http/json-path';
import { assertTemplateFields, renderRequest } from '../../../src/connectors/http/request-template';
import { idempotencyKeyOf } from '../../../src/connectors/idempotency-key';

const task = {
  request_id: 'req/1',
  subject_email: 'ada@example.test',
  subject_key: 'k1',
  action: 'rectification',
  source_system: 'crm',
  trace_id: 't1',
  changes: { name: 'Ada' },
} as unknown as RoutedTask;

describe('renderRequest', () => {
  it('when the path has placeholders → the values are URL-encoded into it', () => {
    const rendered = renderRequest(
      { method: 'GET', path: '/jobs/{job_id}/{request_id}', async: false },
      task,
      {
        job_id: 'j 1',
      },
    );
    assert.equal(rendered.path, '/jobs/j%201/req%2F1');
    assert.equal(rendered.body, undefined);
  });

  it('when the body names {{changes}} → the whole map is put there, other values interpolated', () => {
    const template = {
      method: 'POST' as const,
      path: '/requests',
      async: false,
      body: { id: '{{request_id}}', who: 'subject {{subject_key}}', changes: '{{changes}}', n: 1 },
    };
    const rendered = renderRequest(template, task, {});
    assert.deepEqual(JSON.parse(rendered.body!), {
      id: 'req/1',
      who: 'subject k1',
      changes: { name: 'Ada' },
      n: 1,
    });
  });

  it('when a template names an unknown placeholder → start-up fails naming the option', () => {
    const template = { method: 'GET' as const, path: '/x/{email}', async: false };
    assert.throws(
      () => assertTemplateFields(template, 'sources.crm.connector.actions.access'),
      (error: unknown) =>
        error instanceof ConfigError &&
        /sources\.crm\.connector\.actions\.access names unknown placeholders email/.test(
          error.message,
        ),
    );
  });
});

describe('readJsonPath', () => {
  it('when the path exists → it returns the value, through arrays too', () => {
    assert.equal(readJsonPath({ job: { items: [{ id: 7 }] } }, 'job.items[0].id'), 7);
  });

  it('when a step is missing → it returns undefined', () => {
    assert.equal(readJsonPath({ job: null }, 'job.id'), undefined);
    assert.equal(readJsonPath('text', 'a'), undefined);
  });
});

describe('idempotencyKeyOf', () => {
  it('when the same task is submitted again → the key is the same; another action differs', () => {
    const key = idempotencyKeyOf(task);
    assert.equal(idempotencyKeyOf({ ...task }), key);
    assert.notEqual(idempotencyKeyOf({ ...task, action: 'deletion' }), key);
    assert.equal(idempotencyKeyOf({ ...task, replays: 0 }), key);
    assert.notEqual(idempotencyKeyOf({ ...task, replays: 1 }), key);
    assert.notEqual(idempotencyKeyOf({ ...task, replays: 2 }), idempotencyKeyOf({ ...task, replays: 1 }));
    assert.match(key, /^[0-9a-f]{40}$/);
  });
});
