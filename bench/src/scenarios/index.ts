import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import type { ScenarioName } from '../bench-options';
import type { ScenarioResult } from '../report/scenario-result';
import { measureCeiling } from './ceiling';
import { diagnoseRouterHolds } from './diagnosis';
import { measureEfficiency } from './efficiency';
import { measureMemory } from './memory';
import { measurePriority } from './priority';
import { measureRetry } from './retry';
import { measureThroughput } from './throughput';

/** A measurement: runs on its own topics and processes, and reports its rows. */
export type ScenarioRunner = (
  context: BenchContext,
  findings: BenchFindings,
) => Promise<ScenarioResult>;

/** Every measurement by name. */
export const SCENARIO_RUNNERS: Readonly<Record<ScenarioName, ScenarioRunner>> = Object.freeze({
  ceiling: measureCeiling,
  throughput: measureThroughput,
  priority: measurePriority,
  efficiency: measureEfficiency,
  retry: measureRetry,
  memory: measureMemory,
  diagnosis: diagnoseRouterHolds,
});
