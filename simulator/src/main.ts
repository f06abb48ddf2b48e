import { Command } from 'commander';
import { ShutdownCoordinator, closeOnSignals, createLogger } from '@dsr/shared';
import { loadSimulatorConfig } from './config/simulator-config';
import { startSimulator } from './simulator';

// Process entry: `node dist/main.js [--config file.json]`. Settings: see loadSimulatorConfig.
async function main(): Promise<void> {
  const program = new Command('dsr-simulator')
    .description('Plays third-party source systems for tests, benchmarks and the demo')
    .option('-c, --config <file>', 'JSON config file (default: SIMULATOR_CONFIG)')
    .parse();
  const { config: configPath } = program.opts<{ config?: string }>();

  const logger = createLogger({ service: 'simulator' });
  const config = loadSimulatorConfig(process.env, configPath ?? process.env.SIMULATOR_CONFIG);
  const simulator = await startSimulator({ ...config, logger });
  for (const source of simulator.describeSources()) {
    const { name, url, sharedUrl } = source;
    logger.info({ source_system: name, url, shared_url: sharedUrl }, 'source ready');
  }

  const shutdown = new ShutdownCoordinator({ logger });
  shutdown.register('close', 'simulator', () => simulator.close());
  closeOnSignals(shutdown, { logger });
}

main().catch((error: unknown) => {
  createLogger({ service: 'simulator' }).fatal({ err: error }, 'simulator failed to start');
  process.exitCode = 1;
});
