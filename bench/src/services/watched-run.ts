import type { BenchContext } from '../bench-context';
import { ProcessWatch, type ProcessUsage } from '../proc/process-watch';
import type { RunningPipeline } from './pipeline';

/** A measurement whose outcomes stop coming for this long has failed, ms. */
export const STALL_MS = 120_000;

/** What a watched piece of work returned, and what the processes used meanwhile. */
export interface Watched<T> {
  value: T;
  processes: ProcessUsage[];
  windowMs: number;
}

/**
 * Runs `work` while watching the pipeline's processes, the broker and the bench itself, then
 * stops the pipeline whether the work succeeded or not. The broker and the bench share the
 * machine's cores with the services, so their share belongs in the same table.
 */
export async function watchWhile<T>(
  context: BenchContext,
  pipeline: RunningPipeline,
  work: () => Promise<T>,
): Promise<Watched<T>> {
  const targets = pipeline.processes.map((p) => ({ name: p.name, pid: p.pid }));
  if (context.stack.brokerPid !== undefined)
    targets.push({ name: 'kafka broker', pid: context.stack.brokerPid });
  targets.push({ name: 'bench (load, audit reader)', pid: process.pid });

  const watch = new ProcessWatch(targets);
  const started = Date.now();
  watch.start();
  let stopped = false;
  try {
    const value = await work();
    const processes = watch.stop();
    stopped = true;
    return { value, processes, windowMs: Date.now() - started };
  } finally {
    if (!stopped) watch.stop();
    await pipeline.stop();
  }
}
