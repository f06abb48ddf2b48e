import type { z } from 'zod';
import { DsrError } from '@dsr/shared';

/**
 * Parses request input with a schema. VALIDATION_FAILED names the fields that are wrong, never
 * their values: a body may hold an email.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;

  const paths = result.error.issues.map((i) => i.path.join('.') || '(root)');
  throw new DsrError('VALIDATION_FAILED', `invalid ${what}: ${[...new Set(paths)].join(', ')}`);
}
