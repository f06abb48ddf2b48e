/**
 * Encodes which records above a committed offset already reached their outcome, for the commit's
 * metadata string. Kafka stores that string with the offset, so whoever owns the partition next
 * skips those records instead of executing them a second time.
 *
 * Format: `o1:` then comma-separated base-36 distances from the committed offset, a run written
 * as `first-last`. Example: committed 100 with 103, 104, 105 and 109 done → `o1:3-5,9`.
 */
const PREFIX = 'o1:';

/**
 * Kafka's default `offset.metadata.max.bytes` is 4096; staying well below it leaves room for a
 * broker configured lower. Distances that do not fit are left out, which only means those
 * records may run again (their outcomes carry idempotency keys for that case).
 */
export const MAX_METADATA_CHARS = 3000;

/** The metadata string for `done` offsets (all above `committed`), or null when there are none. */
export function encodeOffsetMap(committed: number, done: readonly number[]): string | null {
  if (done.length === 0) return null;

  const distances = done.map((offset) => offset - committed).filter((d) => d > 0);
  distances.sort((a, b) => a - b);
  const parts: string[] = [];
  let length = PREFIX.length;

  for (let i = 0; i < distances.length;) {
    let j = i;
    while (j + 1 < distances.length && distances[j + 1] === distances[j]! + 1) j += 1;
    const part =
      i === j
        ? distances[i]!.toString(36)
        : `${distances[i]!.toString(36)}-${distances[j]!.toString(36)}`;
    if (length + part.length + 1 > MAX_METADATA_CHARS) break;

    parts.push(part);
    length += part.length + 1;
    i = j + 1;
  }
  return parts.length === 0 ? null : `${PREFIX}${parts.join(',')}`;
}

/** A run longer than any partition's buffer can be is not a map this code wrote. */
const MAX_RUN = 1_000_000;

/**
 * The offsets a metadata string says are done. Anything that is not ours (another tool's
 * metadata, an empty string, a malformed part) yields no offsets: the records then simply run
 * again, which is safe, while trusting a bad map could skip a task.
 */
export function decodeOffsetMap(committed: number, metadata: string | null | undefined): number[] {
  if (!metadata?.startsWith(PREFIX)) return [];

  const done: number[] = [];
  for (const part of metadata.slice(PREFIX.length).split(',')) {
    const match = /^([0-9a-z]+)(?:-([0-9a-z]+))?$/.exec(part);
    if (!match) return [];

    const first = parseInt(match[1]!, 36);
    const last = match[2] === undefined ? first : parseInt(match[2], 36);
    if (!(first > 0) || last < first || last - first > MAX_RUN) return [];
    for (let d = first; d <= last; d += 1) done.push(committed + d);
  }
  return done;
}
