import type { GlobalCountersSnapshot } from './source/global-counters';
import type { SourceCountersSnapshot } from './source/source-counters';

/** Every counter of the simulator: totals over all sources, and each source's own. */
export interface SimulatorCounters extends GlobalCountersSnapshot {
  sources: Record<string, SourceCountersSnapshot>;
}
