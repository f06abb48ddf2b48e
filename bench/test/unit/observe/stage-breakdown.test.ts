import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stageBreakdown } from '../../../src/observe/stage-breakdown';

describe('stageBreakdown', () => {
  it('when tasks carry every moment, reports p50 / p99 of each hop in pipeline order', () => {
    const task = new Map([
      ['sent', 0],
      ['validated', 20],
      ['routed', 5_020],
      ['attempt_started', 5_100],
      ['succeeded', 5_130],
      ['observed', 5_300],
    ]);
    assert.equal(
      stageBreakdown([task]),
      'ingest 20 ms / 20 ms · router 5000 ms / 5000 ms · poller pickup 80 ms / 80 ms · ' +
        'source call 30 ms / 30 ms · outcome commit 170 ms / 170 ms',
    );
  });

  it('when a moment is missing, leaves that task out of the hops that need it', () => {
    const partial = new Map([
      ['sent', 0],
      ['validated', 10],
    ]);
    assert.match(stageBreakdown([partial]), /^ingest 10 ms \/ 10 ms · router n\/a \/ n\/a/);
  });
});
