import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANALYSIS_MARKER,
  keptAnalysisOf,
  resultsMarkdown,
  resultsTable,
  type RunReport,
} from '../../../src/report/results-report';

const report: RunReport = {
  command: 'npm run bench',
  scale: 'full',
  runId: 'r1',
  startedAt: new Date('2026-12-03T18:00:00Z'),
  durationMs: 600_000,
  machine: {
    cores: 2,
    cpuModel: 'Test CPU',
    memoryBytes: 8 * 1024 ** 3,
    kernel: '6.1',
    nodeVersion: 'v20.20.2',
    javaVersion: 'openjdk version "17.0.15"',
  },
  load: { atStart: '1.00 0.80 0.50', atEnd: '1.90 1.20 0.70' },
  scenarios: [
    {
      name: 'throughput',
      result: {
        rows: [
          { measure: 'end-to-end', value: '2,500 tasks/s', target: '>= 3,000 tasks/s', met: false },
        ],
        usage: [],
        notes: ['Tasks went through intake.'],
      },
    },
    { name: 'retry', error: 'poller exited' },
  ],
};

describe('resultsTable', () => {
  it('when a target is missed, marks it in bold; when a scenario failed, shows its error', () => {
    const table = resultsTable(report);
    assert.match(table, /\| end-to-end \| 2,500 tasks\/s \| >= 3,000 tasks\/s \| \*\*no\*\* \|/);
    assert.match(table, /\| retry: failed \| poller exited \|/);
  });
});

describe('resultsMarkdown', () => {
  it('when written, states the command, the machine and the notes, and ends with kept analysis', () => {
    const text = resultsMarkdown(report, 'The poller is CPU-bound.\n');
    assert.match(text, /Measured by `npm run bench` \(full scale\)/);
    assert.match(text, /- 2 cores: Test CPU/);
    assert.match(text, /1\.00 0\.80 0\.50 at the start, 1\.90 1\.20 0\.70 at the end/);
    assert.match(text, /- Tasks went through intake\./);
    assert.ok(text.endsWith(`${ANALYSIS_MARKER}\nThe poller is CPU-bound.\n`));
  });
});

describe('keptAnalysisOf', () => {
  it('when the file has the marker, keeps exactly what follows it', () => {
    assert.equal(keptAnalysisOf(`table\n${ANALYSIS_MARKER}\n## Analysis\nx\n`), '## Analysis\nx\n');
  });

  it('when there is no file or no marker, keeps nothing', () => {
    assert.equal(keptAnalysisOf(undefined), '');
    assert.equal(keptAnalysisOf('just a table'), '');
  });
});
