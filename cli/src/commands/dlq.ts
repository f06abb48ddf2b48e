import type { Command } from 'commander';
import { DsrError } from '@dsr/shared';
import type { RecordEvent, ReplayTarget, StoredRecord } from '../auditor/api-types';
import type { CliContext } from '../context';
import { formatTable } from '../output';
import type { RunCommand } from '../program';

interface ListFlags {
  kind: string;
  after?: string;
  limit: string;
  all: boolean;
  unresolved: boolean;
  json: boolean;
}

const KINDS = ['dead_letter', 'quarantine', 'undecodable', 'any'];

/** `dsr dlq list|show|replay|resolve`: triage of the dead-letter store through the auditor. */
export function registerDlq(program: Command, run: RunCommand): void {
  const dlq = program
    .command('dlq')
    .description('triage dead letters through the dlq-auditor API (needs DSR_AUDITOR_TOKEN)');

  dlq
    .command('list')
    .description('list stored records, oldest first, without personal data')
    .option('--kind <kind>', `one of ${KINDS.join(', ')}`, 'dead_letter')
    .option('--after <position>', 'only records after this position (paging)')
    .option('--limit <n>', 'records per page, at most 500', '50')
    .option('--all', 'follow pages until the end', false)
    .option('--unresolved', 'hide records an operator marked resolved', false)
    .option('--json', 'print the records as JSON lines', false)
    .action((flags: ListFlags) => run((ctx) => list(ctx, flags)));

  dlq
    .command('show')
    .description("one record's details and history (notes, replays, resolution)")
    .argument('<position>', 'the record position from `dsr dlq list`')
    .option('--json', 'print as JSON', false)
    .action((position: string, flags: { json: boolean }) =>
      run((ctx) => show(ctx, position, flags)),
    );

  dlq
    .command('replay')
    .description('send dead-lettered tasks back to their lane as fresh attempts (operator role)')
    .argument('<positions...>', 'record positions from `dsr dlq list`')
    .option('--json', 'print the replay targets as JSON lines', false)
    .addHelpText(
      'after',
      '\nEach replay is recorded on the record and announced on the audit topic. Replay only\n' +
        'once the cause is fixed; a task that fails again returns to the dead-letter queue.',
    )
    .action((positions: string[], flags: { json: boolean }) =>
      run((ctx) => replay(ctx, positions, flags)),
    );

  dlq
    .command('resolve')
    .description('mark a record resolved, with an optional note (operator role)')
    .argument('<position>', 'the record position')
    .option('--note <text>', 'why it is resolved (no personal data)')
    .action((position: string, flags: { note?: string }) =>
      run((ctx) => resolve(ctx, position, flags.note)),
    );
}

async function list(ctx: CliContext, flags: ListFlags): Promise<void> {
  if (!KINDS.includes(flags.kind)) {
    throw new DsrError('VALIDATION_FAILED', `--kind must be one of ${KINDS.join(', ')}`, {
      context: { option: 'kind' },
    });
  }
  const limit = positiveInt(flags.limit, '--limit');
  const kind = flags.kind === 'any' ? undefined : flags.kind;
  const records: StoredRecord[] = [];
  let after = flags.after;

  for (;;) {
    const page = await ctx.auditor.get<{ records: StoredRecord[] }>('/v1/records', {
      kind,
      after,
      limit,
    });
    records.push(...page.records.filter((r) => !(flags.unresolved && r.resolved)));
    if (!flags.all || page.records.length < limit) break;
    after = page.records.at(-1)!.position;
  }

  if (flags.json) {
    for (const record of records) ctx.output.line(JSON.stringify(record));
    return;
  }
  for (const line of formatTable(recordRows(records))) ctx.output.line(line);
  ctx.output.note(`${records.length} record(s)`);
}

function recordRows(records: readonly StoredRecord[]): string[][] {
  const header = ['POSITION', 'KIND', 'OCCURRED', 'REQUEST', 'SOURCE', 'ACTION', 'LANE', 'CODE'];
  const rows = [[...header, 'ATTEMPTS', 'STATE']];
  for (const r of records) {
    const code = r.errorCode ?? r.reasonCodes?.join(',') ?? '-';
    const state = r.shredded ? 'shredded' : r.resolved ? 'resolved' : 'open';
    rows.push([
      r.position,
      r.kind,
      r.occurredAt,
      r.requestId ?? '-',
      r.sourceSystem ?? '-',
      r.action ?? '-',
      r.lane ?? '-',
      r.breakerRefusal ? `${code} (breaker)` : code,
      r.attempts === null ? '-' : String(r.attempts),
      state,
    ]);
  }
  return rows;
}

async function show(ctx: CliContext, position: string, flags: { json: boolean }): Promise<void> {
  const answer = await ctx.auditor.get<{ record: StoredRecord; events: RecordEvent[] }>(
    `/v1/records/${positionOf(position)}`,
  );
  if (flags.json) {
    ctx.output.line(JSON.stringify(answer, null, 2));
    return;
  }

  const { record } = answer;
  const fields: [string, unknown][] = [
    ['position', record.position],
    ['kind', record.kind],
    ['occurred', record.occurredAt],
    ['stored', record.ingestedAt],
    ['request', record.requestId],
    ['source system', record.sourceSystem],
    ['action', record.action],
    ['lane', record.lane],
    ['error', record.errorCode && `${record.errorCode} (${record.errorCategory})`],
    ['breaker refusal', record.breakerRefusal],
    ['attempts', record.attempts],
    ['deadline', record.deadline],
    ['reasons', record.reasonCodes?.join(', ')],
    ['detail', record.detail],
    ['from', `${record.source.topic}/${record.source.partition}/${record.source.offset}`],
    ['state', record.shredded ? 'shredded' : record.resolved ? 'resolved' : 'open'],
    ['hash', record.hash],
  ];
  for (const [name, value] of fields) {
    if (value !== null && value !== undefined)
      ctx.output.line(`${`${name}:`.padEnd(17)}${String(value)}`);
  }
  for (const event of answer.events) {
    const at = event.occurredAt;
    const extra = [event.target, event.note].filter(Boolean).join('  ');
    ctx.output.line(
      `event:           ${at}  ${event.kind}  by ${event.principal}  ${extra}`.trimEnd(),
    );
  }
}

async function replay(ctx: CliContext, positions: readonly string[], flags: { json: boolean }) {
  const checked = positions.map(positionOf);
  const failures: string[] = [];

  for (const position of checked) {
    try {
      const { replayed } = await ctx.auditor.post<{ replayed: ReplayTarget }>(
        `/v1/records/${position}/replay`,
      );
      const target = `${replayed.topic}/${replayed.partition}/${replayed.offset}`;
      ctx.output.line(
        flags.json
          ? JSON.stringify({ position, ...replayed })
          : `${position}  replayed to ${target}`,
      );
    } catch (error) {
      if (!(error instanceof DsrError) || checked.length === 1) throw error;
      failures.push(`${position}: ${error.code}: ${error.message}`);
    }
  }

  if (failures.length > 0) {
    throw new DsrError(
      'RECORD_NOT_REPLAYABLE',
      `${failures.length} replay(s) failed:\n  ${failures.join('\n  ')}`,
      {
        context: { failed: failures.length },
      },
    );
  }
}

async function resolve(ctx: CliContext, position: string, note: string | undefined): Promise<void> {
  const body = note === undefined ? {} : { note };
  await ctx.auditor.post(`/v1/records/${positionOf(position)}/resolve`, body);
  ctx.output.line(`${position}  resolved`);
}

function positionOf(text: string): string {
  if (!/^[1-9]\d{0,18}$/.test(text)) {
    throw new DsrError(
      'VALIDATION_FAILED',
      `a record position is a positive integer, got "${text}"`,
      {
        context: { option: 'position' },
      },
    );
  }
  return text;
}

function positiveInt(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new DsrError('VALIDATION_FAILED', `${option} must be a positive integer, got "${text}"`, {
      context: { option },
    });
  }
  return value;
}
