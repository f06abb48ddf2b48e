import type { Command } from 'commander';
import { DsrError, type AuditEvent } from '@dsr/shared';
import type { ChainVerdict, StoredRecord } from '../auditor/api-types';
import type { CliContext } from '../context';
import { startTopicReader } from '../kafka/topic-reader';
import type { RunCommand } from '../program';

interface VerifyFlags {
  heads: boolean;
  json: boolean;
}

/** A chain head the auditor announced on the audit topic. */
interface PublishedHead {
  position: string;
  hash: string;
  occurredAt: number;
}

/** What `dsr verify` found. */
interface VerifyResult {
  chain: ChainVerdict;
  publishedHeads: { checked: number; mismatched: PublishedHead[] } | null;
}

/** `dsr verify`: the dead-letter store's record chain. */
export function registerVerify(program: Command, run: RunCommand): void {
  program
    .command('verify')
    .description('verify the record chain of the dead-letter store (auditor role)')
    .option('--no-heads', 'skip comparing with the chain heads published on the audit topic')
    .option('--json', 'print the result as JSON', false)
    .addHelpText(
      'after',
      '\nTwo checks: the auditor recomputes every link of the chain from the database; then\n' +
        'each chain head it announced on the audit topic (outside the database, kept forever)\n' +
        'is compared with the stored record at that position, so a database rewritten chain and\n' +
        'all is caught too. Exit status 5 when either check fails.',
    )
    .action((flags: VerifyFlags) => run((ctx) => verify(ctx, flags)));
}

async function verify(ctx: CliContext, flags: VerifyFlags): Promise<void> {
  const chain = await ctx.auditor.post<ChainVerdict>('/v1/chain/verify');
  const publishedHeads = flags.heads ? await checkPublishedHeads(ctx) : null;
  const result: VerifyResult = { chain, publishedHeads };

  if (flags.json) ctx.output.line(JSON.stringify(result, null, 2));
  else printResult(ctx, result);

  const broken = !chain.intact || (publishedHeads?.mismatched.length ?? 0) > 0;
  if (broken) {
    const where = chain.firstBreak
      ? `at position ${chain.firstBreak.position} (${chain.firstBreak.reason})`
      : `at ${publishedHeads!.mismatched.length} published head(s)`;
    throw new DsrError('RECORD_CHAIN_BROKEN', `the record chain does not hold ${where}`, {
      context: { checked: chain.checked },
    });
  }
}

function printResult(ctx: CliContext, result: VerifyResult): void {
  const { chain, publishedHeads } = result;
  const head = chain.head ? `head ${chain.head.position} ${chain.head.hash}` : 'empty chain';
  ctx.output.line(
    `chain: ${chain.intact ? 'intact' : 'BROKEN'}, ${chain.checked} record(s), ${head}`,
  );
  if (chain.firstBreak) {
    ctx.output.line(
      `first break: position ${chain.firstBreak.position} (${chain.firstBreak.reason})`,
    );
  }
  if (!publishedHeads) return;

  const bad = publishedHeads.mismatched.length;
  ctx.output.line(`published heads: ${publishedHeads.checked} checked, ${bad} mismatched`);
  for (const h of publishedHeads.mismatched) {
    ctx.output.line(
      `  position ${h.position} announced ${new Date(h.occurredAt).toISOString()} as ${h.hash}`,
    );
  }
}

/** Compares every announced head with the stored record at its position. */
async function checkPublishedHeads(ctx: CliContext): Promise<VerifyResult['publishedHeads']> {
  const heads = await readPublishedHeads(ctx);
  const mismatched: PublishedHead[] = [];

  for (const head of heads) {
    const stored = await storedHash(ctx, head.position);
    if (stored !== head.hash) mismatched.push(head);
  }
  return { checked: heads.length, mismatched };
}

async function storedHash(ctx: CliContext, position: string): Promise<string | undefined> {
  try {
    const { record } = await ctx.auditor.get<{ record: StoredRecord }>(`/v1/records/${position}`);
    return record.hash;
  } catch (error) {
    // A head announced for a position the store no longer has is itself a break.
    if (error instanceof DsrError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

async function readPublishedHeads(ctx: CliContext): Promise<PublishedHead[]> {
  const topic = ctx.layout.topics.audit;
  const heads: PublishedHead[] = [];
  const reader = await startTopicReader({
    kafka: ctx.kafka,
    topic,
    groupPrefix: 'dsr-cli-verify',
    onMessage: async (message) => {
      if (message.key?.toString('utf8') !== 'chain_head') return;

      const { value } = await ctx.serde.decode<AuditEvent>(topic, message.value);
      const position = /^position (\d+)$/.exec(value.detail ?? '')?.[1];
      if (value.stage !== 'chain_head' || !position || !value.result_digest) return;
      heads.push({ position, hash: value.result_digest, occurredAt: value.occurred_at });
    },
  });
  ctx.onClose(() => reader.close());
  await reader.caughtUp;
  return heads;
}
