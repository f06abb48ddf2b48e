import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@dsr/shared';
import { routerConfigFromEnv } from '../../../src/config/router-config';

function fileWith(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'router-config-')), 'router.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('routerConfigFromEnv', () => {
  it('when no file is given, runs on the defaults', () => {
    const config = routerConfigFromEnv({});
    assert.equal(config.highPriorityThreshold, 8);
    assert.equal(config.deadlineWindowMs, 7 * 86_400_000);
    assert.equal(config.holdDeletionsBehindAccess, true);
    assert.equal(config.consumerGroup, 'dsr-router');
  });

  it('when the file sets options, takes them', () => {
    const config = routerConfigFromEnv({
      ROUTER_CONFIG_FILE: fileWith({ highPriorityThreshold: 5, holdDeletionsBehindAccess: false }),
    });
    assert.equal(config.highPriorityThreshold, 5);
    assert.equal(config.holdDeletionsBehindAccess, false);
  });

  it('when an option is out of range or unknown, names it', () => {
    assert.throws(
      () =>
        routerConfigFromEnv({
          ROUTER_CONFIG_FILE: fileWith({ highPriorityThreshold: 11, lanes: 3 }),
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /highPriorityThreshold: /);
        assert.match(error.message, /lanes/);
        return true;
      },
    );
  });
});
