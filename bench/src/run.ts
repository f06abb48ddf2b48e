#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { REPO_ROOT, createKafka, createLogger } from '@dsr/shared';
import type { BenchContext } from './bench-context';
import type { BenchFindings } from './bench-findings';
import { SCENARIOS, parseScenarios, resolveScale, type ScenarioName } from './bench-options';
import { describeMachine, loadAverages } from './machine/machine-info';
import {
  keptAnalysisOf,
  resultsMarkdown,
  resultsTable,
  type RunReport,
} from './report/results-report';
import { describeError } from './report/error-message';
import type { ScenarioResult } from './report/scenario-result';
import { SCENARIO_RUNNERS } from './scenarios';
import { bringUpStack } from './stack/local-stack';

interface CliOptions {
  quick: boolean;
  only?: string;
}

function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The command as a person would type it again, BENCH_* overrides included. */
function commandLine(options: CliOptions): string {
  const overrides = Object.entries(process.env)
    .filter(([name, value]) => name.startsWith('BENCH_') && value)
    .map(([name, value]) => `${name}=${value}`);
  const flags = [options.quick ? '--quick' : '', options.only ? `--only ${options.only}` : '']
    .filter(Boolean)
    .join(' ');
  return [...overrides, 'npm run bench', flags ? `-- ${flags}` : ''].filter(Boolean).join(' ');
}

async function runScenarios(
  context: BenchContext,
  names: readonly ScenarioName[],
): Promise<RunReport['scenarios']> {
  const findings: BenchFindings = {};
  const outcomes: RunReport['scenarios'] = [];

  for (const name of names) {
    const started = Date.now();
    context.progress(`${name}: starting`);
    try {
      const result: ScenarioResult = await SCENARIO_RUNNERS[name](context, findings);
      outcomes.push({ name, result });
    } catch (error) {
      const message = describeError(error);
      context.progress(`${name}: failed: ${message}`);
      outcomes.push({ name, error: message });
    }
    context.progress(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return outcomes;
}

async function main(options: CliOptions): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = loadAverages();
  const quick = options.quick;
  const names = options.only ? parseScenarios(options.only) : [...SCENARIOS];
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const outDir = join(REPO_ROOT, 'bench', 'out', runId);
  mkdirSync(outDir, { recursive: true });

  progress(`run ${runId}: bringing up the local stack`);
  const stack = await bringUpStack();
  const machine = await describeMachine(stack.javaPath);
  const logger = createLogger({ service: 'bench', level: 'error', destination: process.stderr });
  const kafka = createKafka({
    clientId: `bench-${runId}`,
    brokers: stack.endpoints.kafkaBrokers,
    logger,
  });
  const scale = resolveScale(quick);
  const context: BenchContext = { runId, stack, scale, outDir, kafka, progress };

  const scenarios = await runScenarios(context, names);
  const report: RunReport = {
    command: commandLine(options),
    scale: quick ? 'quick' : 'full',
    runId,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    machine,
    load: { atStart: loadAtStart, atEnd: loadAverages() },
    scenarios,
  };

  // Only a full run of every measurement replaces the committed results.
  const complete = !quick && names.length === SCENARIOS.length;
  const file = complete ? join(REPO_ROOT, 'bench', 'RESULTS.md') : join(outDir, 'RESULTS.md');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  writeFileSync(file, resultsMarkdown(report, keptAnalysisOf(existing)));

  process.stdout.write(`${resultsTable(report)}\n\nwritten to ${file}\n`);
  if (scenarios.some((s) => s.error !== undefined)) process.exitCode = 1;
}

const program = new Command('dsr-bench')
  .description('Measures the pipeline on the local stack and writes bench/RESULTS.md')
  .option('--quick', 'a small run of every measurement; results go to bench/out/<run>/', false)
  .option('--only <scenarios>', `comma-separated subset of: ${SCENARIOS.join(', ')}`)
  .action(main);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`dsr-bench: ${describeError(error)}\n`);
  process.exit(1);
});
