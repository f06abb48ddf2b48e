import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { digestOf, parseCredentials } from '../../src/api/credentials';
import { allows, ROLE_PERMISSIONS } from '../../src/api/roles';

describe('credentials', () => {
  const store = parseCredentials(
    `ana:auditor:${digestOf('s3cret-token')},ops-bot:operator:${digestOf('k2')}`,
  );

  it('authenticates a presented secret by its digest', () => {
    assert.deepEqual(store.authenticate('s3cret-token'), { id: 'ana', role: 'auditor' });
    assert.deepEqual(store.authenticate('k2'), { id: 'ops-bot', role: 'operator' });
  });

  it('does not know a secret that is not configured, nor the digest itself', () => {
    assert.equal(store.authenticate('guess'), undefined);
    assert.equal(store.authenticate(digestOf('s3cret-token')), undefined);
  });

  it('rejects an entry with an unknown role', () => {
    assert.throws(() => parseCredentials(`ana:admin:${digestOf('x')}`), {
      code: 'CONFIG_INVALID',
      message: /credential 1 must read "<principal>:<role>:<sha256 hex>"/,
    });
  });
});

describe('roles', () => {
  it('gives personal data to the privacy officer alone', () => {
    const holders = Object.entries(ROLE_PERMISSIONS)
      .filter(([, permissions]) => permissions.has('records:personal'))
      .map(([role]) => role);

    assert.deepEqual(holders, ['privacy_officer']);
  });

  it('lets the operator replay without reading personal data', () => {
    assert.equal(allows('operator', 'records:replay'), true);
    assert.equal(allows('operator', 'records:personal'), false);
  });

  it('keeps exact figures and verification for the auditor', () => {
    assert.equal(allows('auditor', 'reports:exact'), true);
    assert.equal(allows('viewer', 'reports:exact'), false);
    assert.equal(allows('viewer', 'chain:verify'), false);
  });
});
