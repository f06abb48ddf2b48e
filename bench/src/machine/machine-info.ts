import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The machine a run measured, as RESULTS.md states it. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  nodeVersion: string;
  javaVersion: string;
}

/** The model name of the first processor in /proc/cpuinfo, or the one node reports. */
export function cpuModelFrom(cpuinfo: string): string | undefined {
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
}

/** Reads the machine's cores, CPU model, memory and the runtimes' versions. */
export async function describeMachine(javaPath: string): Promise<MachineInfo> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const processors = cpuinfo.match(/^processor\s*:/gm)?.length ?? cpus().length;

  return {
    cores: processors,
    cpuModel: cpuModelFrom(cpuinfo) ?? cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    nodeVersion: process.version,
    javaVersion: await javaVersion(javaPath),
  };
}

async function javaVersion(javaPath: string): Promise<string> {
  // `java -version` writes to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
  const { stderr } = await run(javaPath, ['-version']);
  const lines = stderr.trim().split('\n');
  return lines.slice(0, 2).join('; ');
}

/** The 1-, 5- and 15-minute load averages from /proc/loadavg, e.g. `1.52 1.20 0.98`. */
export function loadAverages(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
