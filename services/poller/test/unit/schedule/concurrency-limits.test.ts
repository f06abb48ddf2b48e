import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyLimits } from '../../../src/schedule/concurrency-limits';

describe('ConcurrencyLimits', () => {
  it('when a source reaches its own cap → it refuses that source but not others', () => {
    const limits = new ConcurrencyLimits({ global: 10, perSource: new Map([['slow', 2]]) });
    assert.equal(limits.tryAcquire('slow'), true);
    assert.equal(limits.tryAcquire('slow'), true);

    assert.equal(limits.tryAcquire('slow'), false);
    assert.equal(limits.tryAcquire('fast'), true);
    assert.equal(limits.runningFor('slow'), 2);
  });

  it('when the global cap is reached → every source is refused until a slot is released', () => {
    const limits = new ConcurrencyLimits({ global: 2, perSource: new Map() });
    limits.tryAcquire('a');
    limits.tryAcquire('b');

    assert.equal(limits.canStart('c'), false);
    assert.equal(limits.tryAcquire('c'), false);
    limits.release('a');
    assert.equal(limits.tryAcquire('c'), true);
    assert.equal(limits.running, 2);
  });

  it('when a slot is released that was never taken → the counts do not go negative', () => {
    const limits = new ConcurrencyLimits({ global: 1, perSource: new Map() });
    limits.release('ghost');

    assert.equal(limits.running, 0);
    assert.equal(limits.tryAcquire('a'), true);
    assert.equal(limits.tryAcquire('a'), false);
  });
});
