#!/usr/bin/env node
import { Command } from 'commander';
import { isDsrError, resolveEndpoints, topicLayoutFromEnv } from '@dsr/shared';
import { provision } from './provision';
import { down, status, up } from './stack';

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function upCommand(options: { provision: boolean }): Promise<void> {
  const started = Date.now();
  const reports = await up();
  for (const r of reports) {
    const timing = r.readyMs === undefined ? '' : ` (ready in ${(r.readyMs / 1000).toFixed(1)} s)`;
    print(`${r.name.padEnd(9)} ${r.state.padEnd(8)} ${r.endpoint}${r.pid ? ` pid ${r.pid}` : ''}${timing}`);
  }

  if (options.provision) {
    const report = await provision(resolveEndpoints(), topicLayoutFromEnv());
    print(`topics    created ${report.topics.created.length}, existing ${report.topics.existing.length}`);
    print(`schemas   registered ${report.schemas.length} subjects`);
  }
  print(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function statusCommand(options: { json: boolean }): Promise<void> {
  const components = await status();
  if (options.json) {
    print(JSON.stringify(components, null, 2));
  } else {
    for (const c of components) {
      const state = c.answering ? 'answering' : c.running ? 'starting' : 'down';
      print(`${c.name.padEnd(9)} ${state.padEnd(9)} ${c.endpoint}${c.pid && c.running ? ` pid ${c.pid}` : ''}`);
    }
  }
  if (!components.every((c) => c.answering)) process.exitCode = 3;
}

const program = new Command('dsr-stack')
  .description('The local stack for tests and the demo: Kafka (KRaft), Apicurio Registry, PostgreSQL');

program
  .command('up')
  .description('start (or reuse) the broker and registry, create the database, provision topics and schemas')
  .option('--no-provision', 'skip creating topics and registering schemas')
  .action(upCommand);

program
  .command('down')
  .description('stop what `up` started')
  .option('--purge', 'also delete the broker data', false)
  .action(async (options: { purge: boolean }) => {
    const stopped = await down(options);
    print(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
  });

program
  .command('status')
  .description('tell what runs and where; exits 3 when a component does not answer')
  .option('--json', 'machine-readable output', false)
  .action(statusCommand);

program
  .command('provision')
  .description('create the topics and register the schemas (DSR_TOPIC_PREFIX and friends apply)')
  .action(async () => {
    const report = await provision(resolveEndpoints(), topicLayoutFromEnv());
    print(`topics created: ${report.topics.created.join(', ') || 'none'}`);
    print(`schemas registered: ${report.schemas.map((s) => `${s.subject}#${s.id}`).join(', ')}`);
  });

program.parseAsync().catch((error: unknown) => {
  const message = isDsrError(error) ? `${error.code}: ${error.message}` : String(error);
  process.stderr.write(`dsr-stack: ${message}\n`);
  process.exit(isDsrError(error) && error.category === 'configuration' ? 2 : 1);
});
