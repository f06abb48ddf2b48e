import type { Lane, RoutedTask } from '@dsr/shared';

/** Why a task went to its lane; recorded in the `routed` audit event. */
export type LaneReason = 'deletion' | 'priority' | 'deadline' | 'standard';

/** The configured thresholds that send a task to the high lane. */
export interface LaneRules {
  /** Priority at or above which a task is high. */
  highPriorityThreshold: number;
  /** A deadline at most this far from now makes a task high, ms. */
  deadlineWindowMs: number;
}

/**
 * The lane of a task. Deletions are high because erasure is what the law presses hardest and
 * what a subject notices when it is late; then priority; then a deadline inside the window (an
 * already passed one included). Everything else is standard.
 */
export function chooseLane(
  task: Pick<RoutedTask, 'action' | 'priority' | 'deadline'>,
  rules: LaneRules,
  nowMs: number,
): { lane: Lane; reason: LaneReason } {
  if (task.action === 'deletion') return { lane: 'high', reason: 'deletion' };
  if (task.priority >= rules.highPriorityThreshold) return { lane: 'high', reason: 'priority' };
  if (task.deadline - nowMs <= rules.deadlineWindowMs) return { lane: 'high', reason: 'deadline' };

  return { lane: 'standard', reason: 'standard' };
}
