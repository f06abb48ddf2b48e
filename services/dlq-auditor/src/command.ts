import { Command } from 'commander';
import { isDsrError } from '@dsr/shared';
import { AuditorClient } from './auditor-client';

// Command entry: node dist/command.js <verify|report|retention>. It talks to a running
// auditor's API, so commands obey the same roles and land in the same access log.

function client(options: { url: string; token?: string }): AuditorClient {
  const token = options.token ?? process.env.DSR_AUDITOR_TOKEN;
  if (!token) throw new Error('a token is required: --token or DSR_AUDITOR_TOKEN');
  return new AuditorClient({ baseUrl: options.url, token });
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const program = new Command('dlq-auditor')
  .description('Commands of the dlq-auditor, run through its triage API')
  .option(
    '--url <url>',
    'triage API base URL',
    process.env.DSR_AUDITOR_URL ?? 'http://127.0.0.1:8085',
  )
  .option('--token <token>', 'API key or bearer token (default DSR_AUDITOR_TOKEN)');

program
  .command('verify')
  .description('recompute the hash chain and report the first break (auditor)')
  .action(async () => {
    const verdict = (await client(program.opts()).verify()) as {
      intact: boolean;
      keys: { unaccounted: string[] };
    };
    print(verdict);
    process.exitCode = verdict.intact && verdict.keys.unaccounted.length === 0 ? 0 : 2;
  });

program
  .command('report')
  .description('counts of dead letters: private (noisy) by default, --exact for the auditor')
  .requiredOption('--from <date>', 'start, ISO date or date-time (inclusive)')
  .requiredOption('--to <date>', 'end, ISO date or date-time (exclusive)')
  .option('--granularity <unit>', 'day, week or month', 'month')
  .option('--group-by <dims>', 'comma-separated: error_category,source_system,action')
  .option('--epsilon <epsilon>', 'privacy loss this report may spend (private reports)')
  .option('--exact', 'exact regulatory figures (auditor role)')
  .action(async (options: Record<string, string | boolean | undefined>) => {
    const request = {
      from: options.from,
      to: options.to,
      granularity: options.granularity,
      ...(options.groupBy ? { groupBy: String(options.groupBy).split(',') } : {}),
      ...(options.epsilon && !options.exact ? { epsilon: String(options.epsilon) } : {}),
    };
    const api = client(program.opts());
    print(options.exact ? await api.exactReport(request) : await api.privateReport(request));
  });

program
  .command('retention')
  .description('destroy the data keys of records past retention now (privacy officer)')
  .action(async () => print(await client(program.opts()).runRetention()));

program.parseAsync().catch((error: unknown) => {
  const message = isDsrError(error) ? `${error.code}: ${error.message}` : String(error);
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
});
