import type { MachineInfo } from '../machine/machine-info';
import { formatMiB } from './format';
import { markdownTable } from './markdown-table';
import type { ResultRow, ScenarioResult } from './scenario-result';

/** Everything one run reports. */
export interface RunReport {
  command: string;
  scale: 'quick' | 'full';
  runId: string;
  startedAt: Date;
  durationMs: number;
  machine: MachineInfo;
  /** Load averages (1, 5, 15 min) when the run started and when it ended. */
  load: { atStart: string; atEnd: string };
  /** Per scenario, in run order; a scenario that failed carries its error instead. */
  scenarios: { name: string; result?: ScenarioResult; error?: string }[];
}

/** The marker after which RESULTS.md keeps text written by a person across runs. */
export const ANALYSIS_MARKER = '<!-- analysis: kept across runs -->';

/** The results table alone, as printed at the end of a run. */
export function resultsTable(report: RunReport): string {
  const rows: string[][] = [];
  for (const scenario of report.scenarios) {
    if (scenario.error !== undefined) {
      rows.push([`${scenario.name}: failed`, scenario.error, '', '']);
      continue;
    }
    for (const row of scenario.result?.rows ?? []) rows.push(rowCells(row));
  }
  return markdownTable(['Measure', 'Value', 'Target', 'Met'], rows);
}

function rowCells(row: ResultRow): string[] {
  const met = row.met === undefined ? '' : row.met ? 'yes' : '**no**';
  return [row.measure, row.value, row.target ?? '', met];
}

/** The per-process CPU and memory tables, one per measurement that watched processes. */
export function usageTables(report: RunReport): string {
  const sections: string[] = [];
  for (const scenario of report.scenarios) {
    for (const usage of scenario.result?.usage ?? []) {
      const rows = usage.processes.map((p) => [
        p.name,
        (p.cpuMs / 1000).toFixed(1),
        p.cores.toFixed(2),
        formatMiB(p.peakRssBytes),
        formatMiB(p.lastRssBytes),
      ]);
      sections.push(
        `**${usage.scenario}** (window ${(usage.windowMs / 1000).toFixed(1)} s)\n\n` +
          markdownTable(['Process', 'CPU s', 'Cores', 'Peak RSS (VmHWM)', 'RSS at end'], rows),
      );
    }
  }
  return sections.join('\n\n');
}

/** The whole of RESULTS.md, followed by whatever analysis a person kept under the marker. */
export function resultsMarkdown(report: RunReport, keptAnalysis: string): string {
  const m = report.machine;
  const notes = report.scenarios.flatMap((s) => s.result?.notes ?? []);
  return [
    '# Benchmark results',
    '',
    `Measured by \`${report.command}\` (${report.scale} scale), run ${report.runId}, started ` +
      `${report.startedAt.toISOString()}, took ${(report.durationMs / 60_000).toFixed(1)} min.`,
    '',
    '## Machine',
    '',
    `- ${m.cores} cores: ${m.cpuModel}`,
    `- ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory; Linux ${m.kernel}`,
    `- Node ${m.nodeVersion}; Java ${m.javaVersion}`,
    '- The broker, the registry, the database, the services, the simulator and the bench itself ' +
      'share these cores, as do other processes of the machine.',
    `- Load averages (1, 5, 15 min): ${report.load.atStart} at the start, ` +
      `${report.load.atEnd} at the end.`,
    '',
    '## Results',
    '',
    resultsTable(report),
    '',
    '## CPU and memory per process',
    '',
    'CPU from /proc/<pid>/stat (user + system) over each window; "Cores" is CPU time divided by ' +
      "the window. Peak RSS is the kernel's high-water mark (VmHWM) from /proc/<pid>/status.",
    '',
    usageTables(report),
    '',
    '## How each number was measured',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
    ANALYSIS_MARKER,
    keptAnalysis,
  ].join('\n');
}

/** The text after the marker in an existing RESULTS.md, or an empty string. */
export function keptAnalysisOf(existing: string | undefined): string {
  if (existing === undefined) return '';

  const at = existing.indexOf(ANALYSIS_MARKER);
  return at < 0 ? '' : existing.slice(at + ANALYSIS_MARKER.length).replace(/^\n/, '');
}
