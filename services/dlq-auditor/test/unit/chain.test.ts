import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes } from '../../src/chain/canonical';
import { ChainVerifier, type StoredChainRow } from '../../src/chain/chain-verifier';
import {
  CHAINED_COLUMNS,
  GENESIS_HASH,
  recordHash,
  type ChainedFields,
} from '../../src/chain/record-hash';

function fields(position: number, overrides: Partial<Record<string, unknown>> = {}): ChainedFields {
  const base = Object.fromEntries(CHAINED_COLUMNS.map((c) => [c, null])) as Record<string, unknown>;
  return {
    ...base,
    position: String(position),
    kind: 'dead_letter',
    record_id: `dl-${position}`,
    source_topic: 'dsr.dlq',
    source_partition: 0,
    source_offset: String(position - 1),
    occurred_at: new Date(Date.UTC(2026, 0, position)),
    nonce: Buffer.from([position]),
    sealed: Buffer.from('sealed'),
    ...overrides,
  } as ChainedFields;
}

function chainOf(count: number): StoredChainRow[] {
  const rows: StoredChainRow[] = [];
  let previous = GENESIS_HASH;
  for (let position = 1; position <= count; position += 1) {
    const row = fields(position);
    const hash = recordHash(previous, row);
    rows.push({ ...row, prev_hash: previous, hash });
    previous = hash;
  }
  return rows;
}

function verify(rows: readonly StoredChainRow[]) {
  const verifier = new ChainVerifier();
  for (const row of rows) if (!verifier.accept(row)) break;
  return verifier.verdict();
}

describe('canonical form', () => {
  it('does not depend on key order', () => {
    assert.deepEqual(
      canonicalBytes({ b: 1, a: [true, null] }),
      canonicalBytes({ a: [true, null], b: 1 }),
    );
  });

  it('writes bytes as hex and instants as epoch milliseconds', () => {
    const text = canonicalBytes({ at: new Date(1000), raw: Buffer.from([255]) }).toString();

    assert.equal(text, '{"at":1000,"raw":"ff"}');
  });

  it('refuses numbers that are not safe integers', () => {
    assert.throws(() => canonicalBytes({ x: 0.5 }), RangeError);
  });
});

describe('hash chain', () => {
  it('verifies an untouched chain and reports its head', () => {
    const rows = chainOf(5);

    const verdict = verify(rows);

    assert.equal(verdict.intact, true);
    assert.equal(verdict.checked, 5);
    assert.deepEqual(verdict.head, { position: '5', hash: rows[4]!.hash.toString('hex') });
  });

  it('when a column of record 3 changes, reports a content break at 3', () => {
    const rows = chainOf(5);
    rows[2] = { ...rows[2]!, error_code: 'SOURCE_REJECTED' };

    const verdict = verify(rows);

    assert.equal(verdict.intact, false);
    assert.deepEqual(verdict.firstBreak, { position: '3', reason: 'content_hash_mismatch' });
    assert.deepEqual(verdict.head?.position, '2');
  });

  it('when record 3 is rewritten with a recomputed hash, reports the break at 4', () => {
    const rows = chainOf(5);
    const forged = fields(3, { source_system: 'billing' });
    rows[2] = { ...forged, prev_hash: rows[1]!.hash, hash: recordHash(rows[1]!.hash, forged) };

    assert.deepEqual(verify(rows).firstBreak, { position: '4', reason: 'previous_hash_mismatch' });
  });

  it('when a record is removed, reports a position gap', () => {
    const rows = chainOf(5);
    rows.splice(1, 1);

    assert.deepEqual(verify(rows).firstBreak, { position: '3', reason: 'position_gap' });
  });

  it('does not cover anything but the chained columns', () => {
    const row = fields(1);

    assert.deepEqual(
      recordHash(GENESIS_HASH, row),
      recordHash(GENESIS_HASH, { ...row, extra: 'x' } as ChainedFields),
    );
  });
});
