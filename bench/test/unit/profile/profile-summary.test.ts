import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packageOf, summarizeProfile, type CpuProfile } from '../../../src/profile/profile-summary';

describe('packageOf', () => {
  it('when the script is in node_modules, names the package, scoped ones included', () => {
    assert.equal(packageOf('file:///r/node_modules/kafkajs/src/index.js'), 'kafkajs');
    assert.equal(
      packageOf('file:///r/node_modules/@kafkajs/confluent-schema-registry/x.js'),
      '@kafkajs/confluent-schema-registry',
    );
  });

  it('when the script is a workspace or node itself, names that', () => {
    assert.equal(packageOf('file:///r/services/router/dist/main.js'), 'services/router');
    assert.equal(packageOf('node:internal/streams/writable'), 'node:internal');
    assert.equal(packageOf(''), '(native)');
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('decode', 'file:///r/node_modules/avsc/lib/types.js') },
      { id: 4, callFrame: frame('(garbage collector)') },
    ],
    samples: [2, 2, 3, 4],
    timeDeltas: [500, 500, 750, 250],
    startTime: 0,
    endTime: 2_000,
  };

  it('when samples are idle, in a package and in GC, splits the time into those shares', () => {
    const summary = summarizeProfile(profile);
    assert.equal(summary.wallMs, 2);
    assert.equal(summary.idleShare, 0.5);
    assert.equal(summary.gcShare, 0.125);
    assert.deepEqual(summary.byPackage, [
      { name: 'avsc', share: 0.375 },
      { name: '(native)', share: 0.125 },
    ]);
    assert.equal(summary.byFunction[0]!.name, 'decode avsc:1');
  });
});
