/** A value the canonical form can express. */
export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | Date
  | Buffer
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

/**
 * A byte-exact, order-independent encoding: JSON with keys sorted, no whitespace, bytes as
 * lower-case hex and instants as integer epoch milliseconds. Two equal records always give the
 * same bytes, whatever order their columns were read in and whatever driver types came back.
 */
export function canonicalBytes(value: CanonicalValue): Buffer {
  return Buffer.from(canonicalText(value), 'utf8');
}

function canonicalText(value: CanonicalValue): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return canonicalNumber(value);
  if (value instanceof Date) return canonicalNumber(value.getTime());
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('hex'));
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;

  const record = value as { readonly [key: string]: CanonicalValue };
  const keys = Object.keys(record).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalText(record[key]!)}`);
  return `{${members.join(',')}}`;
}

function canonicalNumber(value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError('canonical form holds safe integers only; pass larger values as strings');
  }
  return String(value);
}
