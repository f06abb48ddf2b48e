import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from '../../../test/support/wait-for';
import { Flapping } from '../../src/source/flapping';

describe('flapping', () => {
  it('when started, it takes the source down and up in turn, starting up', async (t) => {
    const toggles: boolean[] = [];
    const flapping = new Flapping({ upMs: 2, downMs: 2 }, (down) => toggles.push(down));
    t.after(() => flapping.stop());
    // The cycle's timers do not hold the process open (by design), so the test does.
    const alive = setInterval(() => undefined, 1_000);
    t.after(() => clearInterval(alive));

    flapping.start();
    await waitFor(() => toggles.length >= 4, { description: '4 toggles', intervalMs: 2 });

    assert.deepEqual(toggles.slice(0, 4), [true, false, true, false]);
  });
});
