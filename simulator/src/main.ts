import { Command } from 'commander';
import { createLogger } from '@dsr/shared';
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
    logger.info(
      { source: source.name, url: source.url, sharedUrl: source.sharedUrl },
      'source ready',
    );
  }

  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  createLogger({ service: 'simulator' }).fatal({ err: error }, 'simulator failed to start');
  process.exitCode = 1;
});
