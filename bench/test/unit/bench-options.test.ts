import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@dsr/shared';
import { FULL_SCALE, QUICK_SCALE, parseScenarios, resolveScale } from '../../src/bench-options';

describe('resolveScale', () => {
  it('when nothing is set, returns a copy of the full or the quick preset', () => {
    assert.deepEqual(resolveScale(false, {}), FULL_SCALE);
    assert.deepEqual(resolveScale(true, {}), QUICK_SCALE);
    assert.notEqual(resolveScale(false, {}), FULL_SCALE);
  });

  it('when a BENCH_* variable is set, it wins over the preset', () => {
    const scale = resolveScale(true, { BENCH_THROUGHPUT_TASKS: '50000' });
    assert.equal(scale.throughputTasks, 50_000);
    assert.equal(scale.backlogTasks, QUICK_SCALE.backlogTasks);
  });

  it('when a BENCH_* variable is not a positive integer, names it in a ConfigError', () => {
    assert.throws(
      () => resolveScale(false, { BENCH_BACKLOG_TASKS: '1e3x' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'BENCH_BACKLOG_TASKS must be a positive integer, got "1e3x"',
    );
  });
});

describe('parseScenarios', () => {
  it('when given a subset in any order, returns it in run order', () => {
    assert.deepEqual(parseScenarios('memory, ceiling'), ['ceiling', 'memory']);
  });

  it('when a name is unknown, refuses it and lists the known ones', () => {
    assert.throws(
      () => parseScenarios('ceiling,speed'),
      /unknown scenario\(s\) speed; choose from ceiling/,
    );
  });
});
