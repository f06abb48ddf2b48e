import { formatMs } from '../report/format';
import { summarize } from '../stats/percentiles';

/** One hop of a task's way through the pipeline, between two recorded moments. */
interface Hop {
  label: string;
  from: string;
  to: string;
}

/**
 * The hops between intake and a readable outcome. `sent` and `observed` are the bench's own
 * moments; the rest are audit stages recorded by ingest, router and poller.
 */
const HOPS: readonly Hop[] = Object.freeze([
  { label: 'ingest', from: 'sent', to: 'validated' },
  { label: 'router', from: 'validated', to: 'routed' },
  { label: 'poller pickup', from: 'routed', to: 'attempt_started' },
  { label: 'source call', from: 'attempt_started', to: 'succeeded' },
  { label: 'outcome commit', from: 'succeeded', to: 'observed' },
]);

/** The moments of one task, by stage name, in epoch milliseconds. */
export type TaskMoments = ReadonlyMap<string, number>;

/**
 * p50 / p99 of each hop over the given tasks, e.g. `ingest 19 / 146 ms · router 4.6 s / 8.9 s`.
 * It shows which stage a latency is spent in, which is what to improve.
 */
export function stageBreakdown(tasks: readonly TaskMoments[]): string {
  return HOPS.map((hop) => {
    const spans: number[] = [];
    for (const moments of tasks) {
      const from = moments.get(hop.from);
      const to = moments.get(hop.to);
      if (from !== undefined && to !== undefined) spans.push(to - from);
    }
    const s = summarize(spans);
    return `${hop.label} ${formatMs(s.p50Ms)} / ${formatMs(s.p99Ms)}`;
  }).join(' · ');
}
