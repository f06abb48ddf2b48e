import type { BenchContext } from '../bench-context';
import type { BenchFindings } from '../bench-findings';
import type { ScenarioName } from '../bench-options';
import type { ScenarioResult } from '../report/scenario-result';
import { measureCeiling } from './ceiling';
import { measureEfficiency } from './efficiency';
import { measureMemory } from './memory';
import { measureRetry } from './retry';

/** A measurement: runs on its own topics and processes, and reports its rows. */
export type ScenarioRunner = (context: BenchContext, findings: BenchFindings) => Promise<ScenarioResult>;

function notYet(name: string): ScenarioRunner {
  return async () => {
    throw new Error(`${name} is not wired yet`);
  };
}

/** Every measurement by name. */
export const SCENARIO_RUNNERS: Readonly<Record<ScenarioName, ScenarioRunner>> = Object.freeze({
  ceiling: measureCeiling,
  throughput: notYet('throughput'),
  priority: notYet('priority'),
  efficiency: measureEfficiency,
  retry: measureRetry,
  memory: measureMemory,
});
