#!/usr/bin/env node
import { Command } from 'commander';
import { isDsrError } from '@dsr/shared';
import { STANDARD_OUTPUT } from '../output';
import { defaultDemoSettings } from './demo-settings';
import { runDemo } from './run-demo';

interface DemoFlags {
  tasks: string;
  seed: string;
  timeout: string;
  keepRunning: boolean;
}

/**
 * `npm run demo`: the whole pipeline on the local stack, with sample traffic and a summary.
 * Ctrl-C (or SIGTERM) stops everything it started; a second Ctrl-C does not wait for that.
 */
async function main(): Promise<void> {
  const flags = new Command('demo')
    .description(
      'Run the whole DSR pipeline on the local stack with sample traffic, then summarise',
    )
    .option('--tasks <n>', 'tasks to submit', '240')
    .option('--seed <n>', 'seed of the traffic plan and the simulated faults', '7')
    .option('--timeout <seconds>', 'how long to wait for every outcome', '240')
    .option('--keep-running', 'leave everything running after the summary, until Ctrl-C', false)
    .parse()
    .opts<DemoFlags>();

  const settings = {
    ...defaultDemoSettings(),
    tasks: Number(flags.tasks),
    seed: Number(flags.seed),
    timeoutMs: Number(flags.timeout) * 1000,
    keepRunning: flags.keepRunning,
  };
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    STANDARD_OUTPUT.note(`\n${signal}: stopping what the demo started (again to quit at once)`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    process.exitCode = await runDemo(settings, STANDARD_OUTPUT, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) {
      process.exitCode = 130;
      return;
    }
    const message = isDsrError(error) ? `${error.code}: ${error.message}` : String(error);
    STANDARD_OUTPUT.note(`demo failed: ${message}`);
    process.exitCode = 1;
  }
}

void main();
