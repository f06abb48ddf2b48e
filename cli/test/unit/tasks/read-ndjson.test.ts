import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTasksFile } from '../../../src/tasks/read-ndjson';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dsr-ndjson-')), 'tasks.ndjson');
  writeFileSync(path, content);
  return path;
}

const line = (email: string) =>
  JSON.stringify({ subject_email: email, action: 'access', source_system: 'crm' });

describe('reading an NDJSON task file', () => {
  it('reads every task, skipping blank lines and comments', async () => {
    const path = file(`${line('a@example.test')}\n\n# note\r\n${line('b@example.test')}\r\n`);

    const tasks = await readTasksFile(path);

    assert.deepEqual(
      tasks.map((t) => t.subject_email),
      ['a@example.test', 'b@example.test'],
    );
  });

  it('reports every bad line with its number, and returns no task', async () => {
    const path = file(`${line('a@example.test')}\n[1,2]\n{oops\n${line('c@example.test')}\n`);

    await assert.rejects(readTasksFile(path), (error: Error) => {
      assert.match(error.message, /^2 invalid line\(s\), nothing sent:/);
      assert.match(error.message, /tasks\.ndjson:2: /);
      assert.match(error.message, /tasks\.ndjson:3: not a JSON object/);
      return true;
    });
  });

  it('says so when the file cannot be read', async () => {
    await assert.rejects(
      readTasksFile('/nonexistent/tasks.ndjson'),
      /cannot read \/nonexistent\/tasks\.ndjson/,
    );
  });
});
