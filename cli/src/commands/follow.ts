import type { Command } from 'commander';
import { DsrError, type AuditEvent } from '@dsr/shared';
import type { CliContext } from '../context';
import { formatAuditEvent, isTerminal } from '../audit/audit-trail';
import { startTopicReader } from '../kafka/topic-reader';
import type { RunCommand } from '../program';

interface FollowFlags {
  wait: boolean;
  timeout: string;
  json: boolean;
}

/** `dsr follow <request-id>`: a request's journey through the audit topic. */
export function registerFollow(program: Command, run: RunCommand): void {
  program
    .command('follow')
    .description("print a request's audit trail: every stage it went through, in order")
    .argument('<request-id>', 'the request id given at submission')
    .option('-w, --wait', 'keep reading until the request reaches an outcome', false)
    .option('--timeout <seconds>', 'give up waiting after this long (with --wait)', '120')
    .option('--json', 'print the audit events as JSON lines', false)
    .addHelpText(
      'after',
      '\nExit status: 0 when events were found (and, with --wait, an outcome reached),\n' +
        '4 when the audit topic holds nothing for the request, 7 when --wait timed out.',
    )
    .action((requestId: string, flags: FollowFlags) => run((ctx) => follow(ctx, requestId, flags)));
}

async function follow(ctx: CliContext, requestId: string, flags: FollowFlags): Promise<void> {
  const timeoutMs = parseSeconds(flags.timeout) * 1000;
  const topic = ctx.layout.topics.audit;
  const events: AuditEvent[] = [];
  let finished: () => void = () => undefined;
  const outcome = new Promise<void>((resolve) => (finished = resolve));

  const reader = await startTopicReader({
    kafka: ctx.kafka,
    topic,
    groupPrefix: 'dsr-cli-follow',
    onMessage: async (message) => {
      const value = await decodeOrSkip(ctx, topic, message.value);
      if (value?.request_id !== requestId) return;

      events.push(value);
      if (flags.wait) print(ctx, value, flags.json);
      if (isTerminal(value)) finished();
    },
  });
  ctx.onClose(() => reader.close());

  const target = flags.wait ? outcome : reader.caughtUp;
  const timedOut = !(await withTimeout(target, timeoutMs));
  if (!flags.wait) {
    events.sort((a, b) => a.occurred_at - b.occurred_at);
    for (const event of events) print(ctx, event, flags.json);
  }

  reportEnd(ctx, requestId, events, timedOut, flags.wait);
}

function reportEnd(
  ctx: CliContext,
  requestId: string,
  events: readonly AuditEvent[],
  timedOut: boolean,
  waiting: boolean,
): void {
  if (events.length === 0 && !waiting) {
    throw new DsrError('NOT_FOUND', `no audit events for request ${requestId}`, {
      context: { requestId },
    });
  }
  if (timedOut) {
    throw new DsrError('WAIT_TIMED_OUT', `request ${requestId} reached no outcome in time`, {
      context: { requestId, events: events.length },
    });
  }

  const last = events.at(-1);
  const outcome = last && isTerminal(last) ? `outcome ${last.stage}` : 'no outcome yet';
  ctx.output.note(`${events.length} event(s); ${outcome}`);
}

function print(ctx: CliContext, event: AuditEvent, json: boolean): void {
  ctx.output.line(json ? JSON.stringify(event) : formatAuditEvent(event));
}

/** Resolves true when the promise settles first, false when the time runs out. */
async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
  );
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function parseSeconds(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new DsrError(
      'VALIDATION_FAILED',
      `--timeout must be a positive number of seconds, got "${text}"`,
      {
        context: { option: 'timeout' },
      },
    );
  }
  return value;
}

/**
 * An audit record that cannot be decoded is skipped with a note rather than ending the read: one
 * foreign record must not hide the rest of a request's trail.
 */
async function decodeOrSkip(
  ctx: CliContext,
  topic: string,
  value: Buffer | null,
): Promise<AuditEvent | undefined> {
  try {
    return (await ctx.serde.decode<AuditEvent>(topic, value)).value;
  } catch (error) {
    const code = error instanceof DsrError ? error.code : 'INTERNAL';
    ctx.output.note(`skipped an audit record that cannot be decoded (${code})`);
    return undefined;
  }
}
