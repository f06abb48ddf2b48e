import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IntakeTask } from '@dsr/shared';
import { isolatedTopics, testKafka, uniqueName } from '../support/environment';
import { linesOf, runDsr } from '../support/run-dsr';
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

function tasksFile(lines: readonly string[]): string {
  const path = join(tmpdir(), `${uniqueName('tasks')}.ndjson`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('dsr submit', () => {
  it('sends every task of an NDJSON file to the intake topic through the registry', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 2 });
    const ids = [uniqueName('req'), uniqueName('req'), uniqueName('req')];
    const file = tasksFile([
      JSON.stringify({
        request_id: ids[0],
        subject_email: 'a@example.test',
        action: 'access',
        source_system: 'crm',
      }),
      '# a comment, then a blank line',
      '',
      JSON.stringify({
        request_id: ids[1],
        subject_email: 'b@example.test',
        action: 'deletion',
        source_system: 'billing',
        priority: 8,
        jurisdiction: 'GDPR',
        deadline: '2030-01-01T00:00:00Z',
      }),
      JSON.stringify({
        request_id: ids[2],
        subject_email: 'c@example.test',
        action: 'rectification',
        source_system: 'crm',
        changes: { name: 'C. Example' },
      }),
    ]);

    const run = await runDsr(['submit', '--file', file, '--json'], { layout });

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      linesOf(run.stdout).map((line) => (JSON.parse(line) as { request_id: string }).request_id),
      ids,
    );
    const records = await collectTopic<IntakeTask>(t, layout, layout.topics.intake);
    await waitFor(() => records.length === 3, { description: 'three intake records' });
    const byId = new Map(records.map((r) => [r.value.request_id, r]));
    assert.equal(byId.get(ids[1]!)?.key, ids[1]);
    assert.equal(byId.get(ids[1]!)?.value.deadline, Date.parse('2030-01-01T00:00:00Z'));
    assert.equal(byId.get(ids[1]!)?.value.priority, 8);
    assert.deepEqual(byId.get(ids[2]!)?.value.changes, { name: 'C. Example' });
    assert.equal(typeof byId.get(ids[0]!)?.value.received_at, 'number');
  });

  it('sends one task given as options, with its changes', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const id = uniqueName('req');

    const run = await runDsr(
      [
        'submit',
        '--email',
        'd@example.test',
        '--action',
        'rectification',
        '--source',
        'support',
        '--priority',
        '3',
        '--request-id',
        id,
        '--change',
        'city=Lyon',
        '--change',
        'phone=+33 1 23',
      ],
      { layout },
    );

    assert.equal(run.code, 0, run.stderr);
    assert.equal(linesOf(run.stdout)[0], `${id}  rectification  support`);
    const records = await collectTopic<IntakeTask>(t, layout, layout.topics.intake);
    const [record] = await waitFor(() => records.length === 1 && records, {
      description: 'the task',
    });
    assert.deepEqual(record?.value.changes, { city: 'Lyon', phone: '+33 1 23' });
    assert.equal(record?.value.subject_email, 'd@example.test');
  });

  it('reads tasks from standard input when the file is "-"', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const id = uniqueName('req');
    const line = {
      request_id: id,
      subject_email: 'e@example.test',
      action: 'access',
      source_system: 'crm',
    };

    const run = await runDsr(['submit', '--file', '-'], {
      layout,
      stdin: `${JSON.stringify(line)}\n`,
    });

    assert.equal(run.code, 0, run.stderr);
    const records = await collectTopic<IntakeTask>(t, layout, layout.topics.intake);
    const [record] = await waitFor(() => records.length === 1 && records, {
      description: 'the task',
    });
    assert.equal(record?.value.request_id, id);
  });

  it('refuses a file with invalid lines, naming each, and sends nothing', async (t) => {
    const layout = await isolatedTopics(t, { partitions: 1 });
    const file = tasksFile([
      JSON.stringify({ subject_email: 'a@example.test', action: 'access', source_system: 'crm' }),
      '{not json',
      JSON.stringify({ subject_email: 'b@example.test', action: 'erase', source_system: 'crm' }),
      JSON.stringify({
        subject_email: 'c@example.test',
        action: 'access',
        source_system: 'crm',
        colour: 1,
      }),
    ]);

    const run = await runDsr(['submit', '--file', file], { layout });

    assert.equal(run.code, 2);
    assert.match(run.stderr, /VALIDATION_FAILED: 3 invalid line\(s\), nothing sent/);
    assert.match(run.stderr, /:2: not a JSON object/);
    assert.match(run.stderr, /:3: action: must be one of access, deletion, rectification/);
    assert.match(run.stderr, /:4: \(task\): unknown field\(s\) colour/);
    assert.doesNotMatch(run.stderr, /example\.test/, 'no personal data in errors');
    const admin = testKafka().admin();
    await admin.connect();
    t.after(() => admin.disconnect());
    const [offsets] = await admin.fetchTopicOffsets(layout.topics.intake);
    assert.equal(offsets?.high, '0');
  });

  it('says which options are missing', async () => {
    const run = await runDsr(['submit', '--email', 'e@example.test']);

    assert.equal(run.code, 2);
    assert.match(run.stderr, /give --file, or --action, --source \(missing\)/);
  });

  it('exits 3 with a clear message when the broker cannot be reached', async () => {
    const env = {
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
    };

    const run = await runDsr(
      ['submit', '--email', 'f@example.test', '--action', 'access', '--source', 'crm'],
      { env },
    );

    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^dsr: UNAVAILABLE: cannot reach the pipeline's infrastructure/);
  });
});
