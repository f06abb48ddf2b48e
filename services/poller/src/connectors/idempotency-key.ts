import { createHash } from 'node:crypto';
import type { RoutedTask } from '@dsr/shared';

/**
 * The key a source uses to recognise a repeated submit of the same task. It depends on the task
 * alone, never on the attempt, so a retried or redelivered submit finds the job the first one
 * started instead of starting another.
 */
export function idempotencyKeyOf(
  task: Pick<RoutedTask, 'request_id' | 'source_system' | 'action'>,
): string {
  return createHash('sha256')
    .update(`${task.request_id}\u0000${task.source_system}\u0000${task.action}`)
    .digest('hex')
    .slice(0, 40);
}
