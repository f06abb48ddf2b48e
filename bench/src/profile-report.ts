#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { summarizeProfile, type CpuProfile } from './profile/profile-summary';

/**
 * Prints where each profiled process spent its time: `node bench/dist/profile-report.js
 * bench/out/<run>/<scenario>/*.cpuprofile` after a run with BENCH_CPU_PROF=router,poller (or all).
 */
function main(files: string[]): void {
  if (files.length === 0) {
    process.stderr.write('usage: profile-report <file.cpuprofile>...\n');
    process.exitCode = 2;
    return;
  }

  for (const file of files) {
    const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const percent = (share: number) => `${(share * 100).toFixed(1)} %`.padStart(7);
    const lines = [
      `## ${basename(file)}: ${(summary.wallMs / 1000).toFixed(1)} s profiled, ` +
        `idle ${percent(summary.idleShare).trim()}, GC ${percent(summary.gcShare).trim()}`,
      'by package:',
      ...summary.byPackage.map((p) => `  ${percent(p.share)}  ${p.name}`),
      'by function:',
      ...summary.byFunction.map((f) => `  ${percent(f.share)}  ${f.name}`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

main(process.argv.slice(2));
