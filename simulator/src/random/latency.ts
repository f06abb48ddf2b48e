import type { Random } from './prng';

/** A fixed delay in milliseconds. */
export interface FixedLatency {
  kind: 'fixed';
  ms: number;
}

/** A delay drawn uniformly between two bounds, in milliseconds. */
export interface UniformLatency {
  kind: 'uniform';
  minMs: number;
  maxMs: number;
}

/**
 * A long-tailed delay, as real APIs show: log-normal, fitted to its median and 99th percentile.
 */
export interface LognormalLatency {
  kind: 'lognormal';
  p50Ms: number;
  p99Ms: number;
}

/** How long something takes; a bare number is a fixed delay in milliseconds. */
export type LatencySpec = number | FixedLatency | UniformLatency | LognormalLatency;

/** Draws one duration in milliseconds. */
export type LatencySampler = () => number;

// The 99th percentile of the standard normal distribution.
const Z_99 = 2.326347874;

/** Builds a sampler for a latency specification, drawing from the given random stream. */
export function latencySampler(spec: LatencySpec, random: Random): LatencySampler {
  if (typeof spec === 'number') return () => spec;

  switch (spec.kind) {
    case 'fixed':
      return () => spec.ms;
    case 'uniform':
      return () => spec.minMs + (spec.maxMs - spec.minMs) * random();
    case 'lognormal':
      return lognormalSampler(spec, random);
  }
}

function lognormalSampler(spec: LognormalLatency, random: Random): LatencySampler {
  const mu = Math.log(spec.p50Ms);
  const sigma = Math.log(spec.p99Ms / spec.p50Ms) / Z_99;

  return () => Math.exp(mu + sigma * standardNormal(random));
}

// Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
function standardNormal(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}

/** Whether a specification can only ever yield zero, so callers can skip timers entirely. */
export function isZeroLatency(spec: LatencySpec): boolean {
  if (typeof spec === 'number') return spec === 0;
  if (spec.kind === 'fixed') return spec.ms === 0;
  if (spec.kind === 'uniform') return spec.maxMs === 0;
  return false;
}
