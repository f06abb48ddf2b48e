import type { Admin } from 'kafkajs';
import { fetchConsumerLag, type GroupLag } from '@dsr/shared';

/** A consumer group's lag, with how many members it has and its state. */
export interface GroupStatus extends GroupLag {
  state: string;
  members: number;
}

/**
 * The consumer groups whose id starts with `prefix`, each with its lag over the topics it has
 * committed offsets on. Groups are found from the broker rather than from a list kept here, so a
 * new service or a renamed group shows up without a change to this command.
 */
export async function collectGroupLag(
  admin: Admin,
  prefix: string,
  candidateTopics: readonly string[],
): Promise<GroupStatus[]> {
  const { groups } = await admin.listGroups();
  const ids = groups
    .map((g) => g.groupId)
    // The ephemeral groups of this command's own reads (`...dsr-cli-*`) are not services.
    .filter((id) => id.startsWith(prefix) && !id.slice(prefix.length).startsWith('cli-'))
    .sort();
  if (ids.length === 0) return [];

  const descriptions = await admin.describeGroups(ids);
  const byId = new Map(descriptions.groups.map((g) => [g.groupId, g]));
  const existing = await existingTopics(admin, candidateTopics);

  const statuses: GroupStatus[] = [];
  for (const groupId of ids) {
    const topics = await committedTopics(admin, groupId, existing);
    const lag = await fetchConsumerLag(admin, groupId, topics);
    const description = byId.get(groupId);
    statuses.push({
      ...lag,
      state: description?.state ?? 'Unknown',
      members: description?.members.length ?? 0,
    });
  }
  return statuses;
}

async function existingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const present = new Set(await admin.listTopics());
  return topics.filter((topic) => present.has(topic));
}

/** Topics on which the group has committed at least one offset. */
async function committedTopics(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<string[]> {
  if (topics.length === 0) return [];

  const offsets = await admin.fetchOffsets({ groupId, topics: [...topics] });
  return offsets
    .filter(({ partitions }) => partitions.some((p) => Number(p.offset) >= 0))
    .map(({ topic }) => topic);
}

/** The service a group belongs to, from the group id convention `<prefix>dsr-<service>`. */
export function serviceOfGroup(groupId: string, prefix: string): string {
  const bare = groupId.slice(prefix.length);
  return bare.startsWith('dsr-') ? bare.slice(4) : bare;
}
