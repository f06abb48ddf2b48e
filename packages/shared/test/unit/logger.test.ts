import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/logging/logger';

function sink(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('when a personal field slips into a log call, it is redacted', () => {
    const out = sink();
    const logger = createLogger({ service: 'ingest', level: 'info', destination: out.stream });
    logger.child({ component: 'validator' }).info(
      { request_id: 'r-1', subject_email: 'ada@example.test', task: { email: 'ada@example.test', changes: { name: 'Ada' } } },
      'task validated',
    );

    const [line] = out.lines();
    assert.equal(line?.msg, 'task validated');
    assert.equal(line?.service, 'ingest');
    assert.equal(line?.component, 'validator');
    assert.equal(line?.request_id, 'r-1');
    assert.equal(line?.level, 'info');
    assert.doesNotMatch(JSON.stringify(line), /ada@example\.test|Ada/);
  });
});
