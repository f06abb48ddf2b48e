import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutedTask } from '@dsr/shared';
import type { StoredRecord } from '../../cli/src/auditor/api-types';
import {
  deadLetter,
  produceDeadLetters,
  routedTask,
  startAuditor,
  waitForStored,
  type AuditorHarness,
} from '../support/dlq-auditor';
import { linesOf, runDsr } from '../support/run-dsr';
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

type Role = keyof AuditorHarness['tokens'];

function dsrAs(harness: AuditorHarness, role: Role | null, args: readonly string[]) {
  const env = {
    DSR_AUDITOR_URL: harness.baseUrl,
    DSR_AUDITOR_TOKEN: role === null ? '' : harness.tokens[role],
  };
  return runDsr(args, { layout: harness.layout, env });
}

async function auditorWithDeadLetters(t: Parameters<typeof startAuditor>[0], count: number) {
  const harness = await startAuditor(t);
  const tasks = Array.from({ length: count }, (_, i) =>
    routedTask({
      source_system: i % 2 === 0 ? 'crm' : 'billing',
      lane: i === 0 ? 'high' : 'standard',
    }),
  );
  await produceDeadLetters(
    harness.layout,
    tasks.map((task) => deadLetter(task)),
  );
  await waitForStored(harness, count);
  return { harness, tasks };
}

describe('dsr dlq', () => {
  it('lists dead letters without personal data, as a table or JSON', async (t) => {
    const { harness, tasks } = await auditorWithDeadLetters(t, 3);

    const table = await dsrAs(harness, 'viewer', ['dlq', 'list']);
    const json = await dsrAs(harness, 'viewer', ['dlq', 'list', '--json']);

    assert.equal(table.code, 0, table.stderr);
    const lines = linesOf(table.stdout);
    assert.match(
      lines[0]!,
      /^POSITION\s+KIND\s+OCCURRED\s+REQUEST\s+SOURCE\s+ACTION\s+LANE\s+CODE/,
    );
    assert.equal(lines.length, 4);
    assert.match(table.stderr, /3 record\(s\)/);
    const records = linesOf(json.stdout).map((line) => JSON.parse(line) as StoredRecord);
    assert.deepEqual(
      records.map((r) => r.requestId).sort(),
      tasks.map((task) => task.request_id).sort(),
    );
    assert.ok(records.every((r) => r.errorCode === 'SOURCE_REJECTED' && r.kind === 'dead_letter'));
    for (const task of tasks) assert.ok(!table.stdout.includes(task.subject_email));
  });

  it('pages with --limit and --all', async (t) => {
    const { harness } = await auditorWithDeadLetters(t, 3);

    const page = await dsrAs(harness, 'viewer', ['dlq', 'list', '--json', '--limit', '2']);
    const all = await dsrAs(harness, 'viewer', ['dlq', 'list', '--json', '--limit', '2', '--all']);

    assert.equal(linesOf(page.stdout).length, 2);
    assert.equal(linesOf(all.stdout).length, 3);
  });

  it('replays a dead letter to its lane as a fresh attempt, and shows the replay', async (t) => {
    const { harness, tasks } = await auditorWithDeadLetters(t, 1);
    const lane = await collectTopic<RoutedTask>(t, harness.layout, harness.layout.topics.tasksHigh);
    const listed = await dsrAs(harness, 'operator', ['dlq', 'list', '--json']);
    const position = (JSON.parse(linesOf(listed.stdout)[0]!) as StoredRecord).position;

    const replay = await dsrAs(harness, 'operator', ['dlq', 'replay', position]);
    const show = await dsrAs(harness, 'operator', ['dlq', 'show', position]);

    assert.equal(replay.code, 0, replay.stderr);
    assert.match(
      replay.stdout,
      new RegExp(`^${position}  replayed to ${harness.layout.topics.tasksHigh}/\\d+/\\d+`),
    );
    const [replayed] = await waitFor(() => lane.length === 1 && lane, {
      description: 'the replayed task',
    });
    assert.equal(replayed?.value.request_id, tasks[0]!.request_id);
    assert.equal(replayed?.value.attempt, 0);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^error:\s+SOURCE_REJECTED \(permanent\)$/m);
    assert.match(show.stdout, /^event:\s+\S+  replayed  by operator-person  /m);
  });

  it('marks a record resolved, and hides it with --unresolved', async (t) => {
    const { harness } = await auditorWithDeadLetters(t, 2);

    const resolve = await dsrAs(harness, 'operator', [
      'dlq',
      'resolve',
      '1',
      '--note',
      'source fixed',
    ]);
    const open = await dsrAs(harness, 'viewer', ['dlq', 'list', '--json', '--unresolved']);

    assert.equal(resolve.code, 0, resolve.stderr);
    const positions = linesOf(open.stdout).map(
      (line) => (JSON.parse(line) as StoredRecord).position,
    );
    assert.deepEqual(positions, ['2']);
  });

  it('exits 6 when the role may not replay, and says why', async (t) => {
    const { harness } = await auditorWithDeadLetters(t, 1);

    const run = await dsrAs(harness, 'viewer', ['dlq', 'replay', '1']);

    assert.equal(run.code, 6);
    assert.match(run.stderr, /^dsr: FORBIDDEN: /);
  });

  it('exits 6 without a token, pointing at DSR_AUDITOR_TOKEN', async (t) => {
    const { harness } = await auditorWithDeadLetters(t, 1);

    const run = await dsrAs(harness, null, ['dlq', 'list']);

    assert.equal(run.code, 6);
    assert.match(run.stderr, /UNAUTHENTICATED: .*\(set DSR_AUDITOR_TOKEN to your API key\)/);
  });

  it('exits 4 for a position that holds no record, and 2 for one that is not a position', async (t) => {
    const { harness } = await auditorWithDeadLetters(t, 1);

    const missing = await dsrAs(harness, 'viewer', ['dlq', 'show', '999']);
    const malformed = await dsrAs(harness, 'viewer', ['dlq', 'show', 'abc']);

    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /NOT_FOUND: no record at position 999/);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /a record position is a positive integer, got "abc"/);
  });

  it('exits 3 when the auditor does not answer', async () => {
    const run = await runDsr(['dlq', 'list'], { env: { DSR_AUDITOR_URL: 'http://127.0.0.1:1' } });

    assert.equal(run.code, 3);
    assert.match(
      run.stderr,
      /AUDITOR_UNREACHABLE: the dlq-auditor at http:\/\/127.0.0.1:1 did not answer/,
    );
  });
});
