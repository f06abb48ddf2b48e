import type { Command } from 'commander';
import type { CliContext } from '../context';
import { collectGroupLag, serviceOfGroup, type GroupStatus } from '../kafka/group-lag';
import { formatTable } from '../output';
import type { RunCommand } from '../program';

interface LagFlags {
  group?: string;
  partitions: boolean;
  json: boolean;
}

/** `dsr lag`: consumer-group lag per service. */
export function registerLag(program: Command, run: RunCommand): void {
  program
    .command('lag')
    .description('show each service consumer group: members, state and lag per topic')
    .option('--group <prefix>', 'only groups whose id starts with this (default: "<prefix>dsr-")')
    .option('--partitions', 'one row per partition instead of per topic', false)
    .option('--json', 'print the groups as JSON', false)
    .addHelpText(
      'after',
      "\nLag is the number of records between a group's committed offset and the end of each\n" +
        'partition. More members than partitions adds no throughput; see docs/operator-guide.md.',
    )
    .action((flags: LagFlags) => run((ctx) => lag(ctx, flags)));
}

async function lag(ctx: CliContext, flags: LagFlags): Promise<void> {
  const prefix = flags.group ?? `${ctx.env.DSR_TOPIC_PREFIX ?? ''}dsr-`;
  const admin = ctx.kafka.admin();
  await admin.connect();
  ctx.onClose(() => admin.disconnect());

  // The deployment's topics as the broker has them, so retry tiers of any ladder are included.
  const topicPrefix = `${ctx.env.DSR_TOPIC_PREFIX ?? ''}dsr.`;
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
  const groups = await collectGroupLag(admin, prefix, topics);
  if (flags.json) {
    ctx.output.line(JSON.stringify(groups, null, 2));
    return;
  }
  if (groups.length === 0) {
    ctx.output.note(`no consumer groups start with "${prefix}"`);
    return;
  }

  const groupPrefix = ctx.env.DSR_TOPIC_PREFIX ?? '';
  for (const line of formatTable(lagRows(groups, groupPrefix, flags.partitions)))
    ctx.output.line(line);
}

function lagRows(
  groups: readonly GroupStatus[],
  prefix: string,
  perPartition: boolean,
): string[][] {
  const rows = [
    [
      'SERVICE',
      'GROUP',
      'STATE',
      'MEMBERS',
      'TOPIC',
      perPartition ? 'PARTITION' : 'PARTITIONS',
      'LAG',
    ],
  ];
  for (const group of groups) {
    const head = [
      serviceOfGroup(group.groupId, prefix),
      group.groupId,
      group.state,
      String(group.members),
    ];
    if (group.partitions.length === 0) rows.push([...head, '-', '-', '0']);

    if (perPartition) {
      for (const p of group.partitions)
        rows.push([...head, p.topic, String(p.partition), String(p.lag)]);
      continue;
    }
    const byTopic = new Map<string, { partitions: number; lag: number }>();
    for (const p of group.partitions) {
      const entry = byTopic.get(p.topic) ?? { partitions: 0, lag: 0 };
      byTopic.set(p.topic, { partitions: entry.partitions + 1, lag: entry.lag + p.lag });
    }
    for (const [topic, entry] of byTopic)
      rows.push([...head, topic, String(entry.partitions), String(entry.lag)]);
  }
  return rows;
}
