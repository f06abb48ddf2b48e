import { isDsrError } from '@dsr/shared';

/** An error and its causes on one line: `CODE: message <- cause <- cause`. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && parts.length < 5) {
    if (isDsrError(current)) parts.push(`${current.code}: ${current.message}`);
    else if (current instanceof Error) parts.push(current.message);
    else parts.push(String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' <- ').replace(/\s+/g, ' ');
}
