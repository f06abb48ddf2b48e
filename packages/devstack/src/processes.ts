import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** The components the stack starts, with the process id of each. */
export type PidFile = Partial<Record<'kafka' | 'registry', number>>;

export function readPids(file: string): PidFile {
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as PidFile;
}

export function writePids(file: string, pids: PidFile): void {
  writeFileSync(file, JSON.stringify(pids, null, 2));
}

export function isAlive(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a long-running process detached from this one, its output appended to `logFile`, so
 * that `up` can return while the broker and the registry keep running.
 */
export function startDetached(command: string, args: string[], logFile: string, cwd: string): number {
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopProcess(pid: number, graceMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;

  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(200);

  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
