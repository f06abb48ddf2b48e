import type { z } from 'zod';
import { ConfigError } from '../errors';

/**
 * Validates raw settings against a schema once, at start-up. Every violation is reported with
 * the option's path and the rule it breaks, so an operator can fix all of them in one go.
 */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, origin: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration in ${origin}:\n  - ${problems.join('\n  - ')}`, {
    context: { origin, problems: problems.length },
  });
}

/** Reads an integer from the environment, or the fallback when unset. */
export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;

  const value = Number(raw);
  if (!Number.isInteger(value)) {
    throw new ConfigError(`${name} must be an integer, got "${raw}"`, { context: { option: name } });
  }
  return value;
}
