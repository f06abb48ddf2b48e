import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, partitionTransactionalId } from '../../../src/kafka/transactional-processor';

describe('partitionTransactionalId', () => {
  it('derives one id per input partition from the prefix, the same in every instance', () => {
    assert.equal(partitionTransactionalId('ingest', 'dsr.intake', 4), 'ingest.dsr.intake:4');
    assert.notEqual(
      partitionTransactionalId('ingest', 'dsr.intake', 4),
      partitionTransactionalId('ingest', 'dsr.intake', 5),
    );
  });
});

describe('backoffMs', () => {
  it('doubles from the initial pause, with jitter between half and all of it', () => {
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const ceiling = 100 * 2 ** (attempt - 1);
      const pause = backoffMs(attempt, 100, 10_000);
      assert.ok(pause >= ceiling / 2 && pause <= ceiling, `attempt ${attempt}: ${pause}`);
    }
  });

  it('never exceeds the cap', () => {
    for (let attempt = 1; attempt <= 40; attempt += 1)
      assert.ok(backoffMs(attempt, 200, 5_000) <= 5_000);
  });
});
