import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobStore, jobStatus, type JobTiming } from '../../src/source/job-store';

const INSTANT: JobTiming = { pendingMs: 0, durationMs: 0, failed: false };

function orderFor(requestId: string) {
  return { requestId, action: 'deletion' as const, subject: 'ada@example.test' };
}

describe('job store', () => {
  it('when a key is submitted again, the timing is not drawn a second time', () => {
    const store = new JobStore('crm');
    let draws = 0;
    const timing = (): JobTiming => {
      draws += 1;
      return INSTANT;
    };

    const first = store.submit('k', orderFor('r-1'), 0, timing);
    const second = store.submit('k', orderFor('r-1'), 10, timing);

    assert.equal(first.kind, 'started');
    assert.equal(second.kind, 'replayed');
    assert.equal(second.job, first.job);
    assert.equal(draws, 1);
  });

  it('when jobs keep coming under a retention, expired ones are swept away', () => {
    const store = new JobStore('crm');
    store.setRetention(1_000);

    for (let index = 0; index < 10_000; index += 1) {
      store.submit(`k-${index}`, orderFor(`r-${index}`), index * 10, () => INSTANT);
    }

    // Jobs live 1 s and arrive every 10 ms: about 100 are live, and a sweep runs every 1,024.
    assert.ok(store.size <= 100 + 1_024, `size ${store.size}`);
    assert.ok(store.find('crm-0007ps', 99_990) !== undefined, 'the newest job is kept');
  });

  it('when time passes, the status follows pending, running, then the outcome', () => {
    const store = new JobStore('crm');
    const { job } = store.submit('k', orderFor('r-1'), 100, () => ({
      pendingMs: 10,
      durationMs: 20,
      failed: true,
    }));

    assert.deepEqual(
      [99 + 1, 109, 110, 129, 130].map((nowMs) => jobStatus(job, nowMs)),
      ['pending', 'pending', 'running', 'running', 'failed'],
    );
  });
});
