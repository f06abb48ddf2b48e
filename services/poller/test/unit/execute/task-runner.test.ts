import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, topicLayout, type RoutedTask } from '@dsr/shared';
import { PartitionTracker } from '../../../src/consume/partition-tracker';
import type { Delivery } from '../../../src/consume/record-intake';
import { TaskRunner, type TaskRunnerOptions } from '../../../src/execute/task-runner';
import type { Completion } from '../../../src/outcome/outcome-committer';
import { OutcomeRecords } from '../../../src/outcome/outcome-records';

const layout = topicLayout({ prefix: 'u.' });

/** A logger whose JSON lines are kept for the test to read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: 'poller', level: 'debug', destination: stream });
  return { logger, lines };
}

function delivery(): Delivery {
  const task = {
    request_id: 'r-9',
    subject_email: 'ada@example.test',
    action: 'deletion',
    source_system: 'nowhere',
    trace_id: 'trace-9',
    lane: 'high',
    attempt: 0,
    deferrals: 0,
    deadline: Date.now() + 86_400_000,
    deadline_passed: false,
    not_before: null,
  } as unknown as RoutedTask;
  const position = { topic: layout.topics.tasksHigh, partition: 1, offset: 12 };
  return {
    kind: 'run',
    task,
    lane: 'high',
    position,
    original: position,
    tracker: new PartitionTracker(0),
  };
}

describe('TaskRunner', () => {
  it('when a task names an unknown source → its line carries request and trace id', async () => {
    const { logger, lines } = capturedLogger();
    const submitted: Completion[] = [];
    let settled = 0;
    const runner = new TaskRunner({
      guards: new Map(),
      committer: { submit: (c: Completion) => (submitted.push(c), Promise.resolve()) },
      records: new OutcomeRecords(layout),
      layout,
      logger,
      onSettled: () => (settled += 1),
    } as unknown as TaskRunnerOptions);

    runner.accept(delivery());
    await new Promise((resolve) => setImmediate(resolve));

    const line = lines.find((l) => l.msg === 'task dead-lettered');
    assert.deepEqual(
      [line?.request_id, line?.trace_id, line?.source_system, line?.lane, line?.error_code],
      ['r-9', 'trace-9', 'nowhere', 'high', 'UNKNOWN_SOURCE_SYSTEM'],
    );
    assert.deepEqual([line?.topic, line?.partition, line?.offset], ['u.dsr.tasks.high', 1, '12']);
    assert.equal(line?.requestId, undefined);
    assert.doesNotMatch(JSON.stringify(lines), /ada@example/);
    assert.deepEqual(
      submitted[0]?.records.map((r) => r.topic),
      ['u.dsr.audit', 'u.dsr.dlq', 'u.dsr.alerts'],
    );
    assert.equal(settled, 1);
  });
});
