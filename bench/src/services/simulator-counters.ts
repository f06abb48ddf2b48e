import { BENCH_SOURCE } from '../load/task-samples';

/** What the simulator counted for the bench's source system. */
export interface SourceCounters {
  requests: number;
  /** The most requests the source was serving at one moment. */
  peakInFlight: number;
}

/** Reads the bench source's counters from the simulator's control API. */
export async function readSourceCounters(simulatorUrl: string): Promise<SourceCounters> {
  const response = await fetch(`${simulatorUrl}/control/counters`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`simulator counters answered ${response.status}`);

  const body = (await response.json()) as { sources: Record<string, SourceCounters> };
  const source = body.sources[BENCH_SOURCE];
  if (!source) throw new Error(`simulator has no counters for ${BENCH_SOURCE}`);
  return { requests: source.requests, peakInFlight: source.peakInFlight };
}
