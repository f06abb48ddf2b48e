/**
 * Reads a value at a dotted path such as `job.id` or `items[0].status` from parsed JSON.
 * Returns undefined when any step is missing.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  const steps = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let current: unknown = document;

  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}
