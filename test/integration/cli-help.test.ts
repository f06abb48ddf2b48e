import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDsr } from '../support/run-dsr';

const COMMANDS = [
  ['submit'],
  ['follow'],
  ['dlq'],
  ['dlq', 'list'],
  ['dlq', 'show'],
  ['dlq', 'replay'],
  ['dlq', 'resolve'],
  ['verify'],
  ['report'],
  ['lag'],
];

describe('dsr --help', () => {
  it('documents every subcommand and exits 0', async () => {
    for (const command of COMMANDS) {
      const run = await runDsr([...command, '--help']);

      assert.equal(run.code, 0, command.join(' '));
      assert.match(run.stdout, new RegExp(`^Usage: dsr ${command.join(' ')} `, 'm'));
    }
  });

  it('lists every command at the top level', async () => {
    const run = await runDsr(['--help']);

    for (const name of ['submit', 'follow', 'dlq', 'verify', 'report', 'lag']) {
      assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'));
    }
  });

  it('exits 2 for an unknown command or option, pointing at --help', async () => {
    const unknown = await runDsr(['frobnicate']);
    const badOption = await runDsr(['lag', '--colour']);

    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.match(unknown.stderr, /run with --help for usage/);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /unknown option '--colour'/);
  });
});
