import { createHash, randomFillSync } from 'node:crypto';

/** Where the noise sampler gets its randomness from: uniformly random bytes. */
export interface RandomSource {
  /** Fills `target` with random bytes and returns it. */
  fill(target: Uint8Array): Uint8Array;
}

/** The operating system's CSPRNG; what releases use. */
export const cryptoRandom: RandomSource = Object.freeze({
  fill: (target: Uint8Array) => randomFillSync(target),
});

/**
 * A reproducible stream: SHA-256 over the seed and a block counter. For statistical tests of
 * the sampler only; a release seeded this way would let anyone who knows the seed subtract the
 * noise.
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0n;
  let pool = Buffer.alloc(0);

  return {
    fill(target: Uint8Array): Uint8Array {
      let written = 0;
      while (written < target.length) {
        if (pool.length === 0) {
          pool = createHash('sha256').update(seed).update(counter.toString()).digest();
          counter += 1n;
        }
        const take = Math.min(pool.length, target.length - written);
        target.set(pool.subarray(0, take), written);
        pool = pool.subarray(take);
        written += take;
      }
      return target;
    },
  };
}
