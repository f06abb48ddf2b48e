import { createHash } from 'node:crypto';
import type { RoutedTask } from '@dsr/shared';

/**
 * The key a source uses to recognise a repeated submit of the same task. It depends on the task
 * alone, never on the attempt, so a retried or redelivered submit finds the job the first one
 * started instead of starting another. An operator's replay is a new execution on purpose: its
 * count enters the key, or a source that keeps failed jobs by key would answer with the old one.
 */
export function idempotencyKeyOf(
  task: Pick<RoutedTask, 'request_id' | 'source_system' | 'action'> & { replays?: number },
): string {
  const parts = [task.request_id, task.source_system, task.action];
  if (task.replays) parts.push(`replay-${task.replays}`);

  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40);
}
