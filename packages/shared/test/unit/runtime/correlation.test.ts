import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../../src/logging/logger';
import {
  TRACE_ID_HEADER,
  correlatedLogger,
  newTraceId,
  traceHeaders,
  traceIdFromHeaders,
} from '../../../src/runtime/correlation';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', level: 'info', destination }) };
}

describe('correlation', () => {
  it('binds the task identifiers to every line of the child logger', () => {
    const { lines, logger } = capture();
    const log = correlatedLogger(logger, { trace_id: 't-1', request_id: 'r-1', lane: 'high' });

    log.info('task routed');

    assert.equal(lines[0]?.trace_id, 't-1');
    assert.equal(lines[0]?.request_id, 'r-1');
    assert.equal(lines[0]?.lane, 'high');
  });

  it('binds only identifiers, even when handed a whole task', () => {
    const { lines, logger } = capture();
    const task = { request_id: 'r-2', subject_email: 'a@example.test', trace_id: null };

    correlatedLogger(logger, task).info('task received');

    assert.equal(lines[0]?.request_id, 'r-2');
    assert.equal('subject_email' in lines[0]!, false);
    assert.equal('trace_id' in lines[0]!, false);
  });

  it('carries a trace id through Kafka headers, as string or bytes', () => {
    const id = newTraceId();

    assert.equal(traceIdFromHeaders(traceHeaders(id)), id);
    assert.equal(traceIdFromHeaders({ [TRACE_ID_HEADER]: Buffer.from(id) }), id);
    assert.equal(traceIdFromHeaders({ [TRACE_ID_HEADER]: [Buffer.from(id)] }), id);
    assert.equal(traceIdFromHeaders({}), undefined);
    assert.equal(traceIdFromHeaders(undefined), undefined);
  });
});
