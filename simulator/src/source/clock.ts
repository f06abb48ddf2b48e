/** Milliseconds since the epoch. Tests inject their own to move job lifecycles and buckets. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
