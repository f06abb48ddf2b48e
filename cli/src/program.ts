import { Command, CommanderError } from 'commander';
import { isDsrError } from '@dsr/shared';
import { registerDlq } from './commands/dlq';
import { registerFollow } from './commands/follow';
import { registerLag } from './commands/lag';
import { registerReport } from './commands/report';
import { registerSubmit } from './commands/submit';
import { registerVerify } from './commands/verify';
import { CliContext, type CliSettings } from './context';
import { EXIT_CODES, exitCodeFor, isConnectionFailure } from './exit-codes';
import { STANDARD_OUTPUT } from './output';

/** Runs a subcommand's body with a fresh context, closing it whatever happens. */
export type RunCommand = (body: (ctx: CliContext) => Promise<void>) => Promise<void>;

interface GlobalFlags {
  prefix?: string;
  auditorUrl?: string;
}

/**
 * The `dsr` command. Settings come from the environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL,
 * DATABASE_URL or the local stack's endpoints file; DSR_TOPIC_PREFIX; DSR_AUDITOR_URL and
 * DSR_AUDITOR_TOKEN) and from the global options.
 */
export function createProgram(settings: CliSettings = {}): Command {
  const output = settings.output ?? STANDARD_OUTPUT;
  const program = new Command('dsr')
    .description(
      'Operate the DSR pipeline: submit, follow, triage dead letters, verify, report, lag',
    )
    .option(
      '--prefix <prefix>',
      'topic prefix of the deployment (default: DSR_TOPIC_PREFIX or none)',
    )
    .option('--auditor-url <url>', 'the dlq-auditor triage API (default: DSR_AUDITOR_URL or :8085)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => output.line(text.trimEnd()),
      writeErr: (text) => output.note(text.trimEnd()),
    })
    .exitOverride();

  const run: RunCommand = async (body) => {
    const flags = program.opts<GlobalFlags>();
    const ctx = new CliContext({
      ...settings,
      output,
      topicPrefix: flags.prefix ?? settings.topicPrefix,
      auditorUrl: flags.auditorUrl ?? settings.auditorUrl,
    });
    try {
      await body(ctx);
    } finally {
      await ctx.close();
    }
  };

  registerSubmit(program, run);
  registerFollow(program, run);
  registerDlq(program, run);
  registerVerify(program, run);
  registerReport(program, run);
  registerLag(program, run);
  return program;
}

/**
 * Parses and runs a command line; resolves with the exit status instead of exiting, so the
 * binary and the tests share it. Errors are reported as one line naming the code.
 */
export async function runCli(argv: readonly string[], settings: CliSettings = {}): Promise<number> {
  const output = settings.output ?? STANDARD_OUTPUT;
  const program = createProgram(settings);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExitCode(error);

    output.note(describeError(error));
    return exitCodeFor(error);
  }
}

function commanderExitCode(error: CommanderError): number {
  const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
  return benign.includes(error.code) ? EXIT_CODES.ok : EXIT_CODES.invalidInput;
}

function describeError(error: unknown): string {
  if (isDsrError(error)) return `dsr: ${error.code}: ${error.message}`;
  if (isConnectionFailure(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return (
      `dsr: UNAVAILABLE: cannot reach the pipeline's infrastructure (${reason}); check ` +
      'KAFKA_BROKERS, SCHEMA_REGISTRY_URL and DSR_AUDITOR_URL, or start the local stack with ' +
      '"npm run stack -- up"'
    );
  }
  if (error instanceof Error) return `dsr: ${error.message}`;
  return `dsr: ${String(error)}`;
}
