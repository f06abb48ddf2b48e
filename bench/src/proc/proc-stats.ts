import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What the kernel reports about one process at one moment. */
export interface ProcSample {
  /** User plus system CPU time consumed since the process started. */
  cpuMs: number;
  /** Resident set size now. */
  rssBytes: number;
  /** Peak resident set size since the process started (VmHWM). */
  peakRssBytes: number;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (USER_HZ), which /proc/<pid>/stat counts CPU time in. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

/**
 * CPU milliseconds (utime + stime) from the text of /proc/<pid>/stat. The command name in field 2
 * may itself hold spaces and parentheses, so fields are counted from the last closing parenthesis:
 * after it come state (field 3), …, utime (field 14) and stime (field 15).
 */
export function parseCpuMs(statText: string, ticks: number): number {
  const tail = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  const utime = Number(tail[11]);
  const stime = Number(tail[12]);

  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error('/proc/<pid>/stat has no utime and stime fields');
  }
  return ((utime + stime) * 1000) / ticks;
}

/** A `Vm*` field of /proc/<pid>/status, in bytes (the kernel writes kB). */
export function parseStatusBytes(statusText: string, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(statusText);
  if (!match) throw new Error(`/proc/<pid>/status has no ${field} line`);
  return Number(match[1]) * 1024;
}

/** Samples a live process; throws when it is gone. */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuMs: parseCpuMs(stat, clockTicksPerSecond()),
    rssBytes: parseStatusBytes(status, 'VmRSS'),
    peakRssBytes: parseStatusBytes(status, 'VmHWM'),
  };
}
