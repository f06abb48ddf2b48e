import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeOffsetMap,
  encodeOffsetMap,
  MAX_METADATA_CHARS,
} from '../../../src/consume/offset-map-codec';

describe('offset map codec', () => {
  it('when done offsets form runs → they are written as ranges of base-36 distances', () => {
    assert.equal(encodeOffsetMap(100, [103, 104, 105, 109]), 'o1:3-5,9');
    assert.equal(encodeOffsetMap(0, [40]), 'o1:14');
  });

  it('when decoded → it returns exactly the offsets that were encoded', () => {
    const done = [1_000_001, 1_000_002, 1_000_050, 1_000_051, 1_000_400];
    const metadata = encodeOffsetMap(1_000_000, done);
    assert.deepEqual(decodeOffsetMap(1_000_000, metadata), done);
  });

  it('when nothing is done above the commit point → there is no metadata', () => {
    assert.equal(encodeOffsetMap(5, []), null);
    assert.deepEqual(decodeOffsetMap(5, null), []);
  });

  it('when the metadata is not ours or malformed → no offset is trusted as done', () => {
    assert.deepEqual(decodeOffsetMap(0, 'written by another tool'), []);
    assert.deepEqual(decodeOffsetMap(0, 'o1:3-!'), []);
    assert.deepEqual(decodeOffsetMap(0, 'o1:5-2'), []);
    assert.deepEqual(decodeOffsetMap(0, 'o1:0'), []);
  });

  it('when the map would exceed the metadata limit → it keeps the lowest offsets that fit', () => {
    const done = Array.from({ length: 5_000 }, (_, i) => 10 + i * 2);
    const metadata = encodeOffsetMap(0, done)!;

    assert.ok(metadata.length <= MAX_METADATA_CHARS);
    const decoded = decodeOffsetMap(0, metadata);
    assert.deepEqual(decoded, done.slice(0, decoded.length));
    assert.ok(decoded.length > 100);
  });
});
