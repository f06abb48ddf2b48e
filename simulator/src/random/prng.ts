/** A source of uniformly distributed numbers in [0, 1). */
export type Random = () => number;

/**
 * A small, fast, seeded generator (mulberry32). Its period (2^32) is far beyond what a test or a
 * benchmark draws, and a fixed seed replays the same sequence, so tests can reason about rates.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent seed for one named stream (a source's faults, latencies or jobs), so
 * that changing one knob of a source never shifts the draws of another.
 */
export function deriveSeed(seed: number, stream: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let index = 0; index < stream.length; index += 1) {
    hash = Math.imul(hash ^ stream.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash;
}
