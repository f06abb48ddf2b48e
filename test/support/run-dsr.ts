import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, type TopicLayout } from '@dsr/shared';

/** What one run of the `dsr` binary did. */
export interface DsrRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The topic prefix of an isolated layout, for `DSR_TOPIC_PREFIX`. */
export function prefixOf(layout: TopicLayout): string {
  return layout.topics.intake.slice(0, -'dsr.intake'.length);
}

/**
 * Runs the built `dsr` binary as a separate process, as an operator would, with extra
 * environment variables, and resolves once it exits. The retry tiers of test layouts are
 * passed along so the command sees the same topics as the test.
 */
export function runDsr(
  args: readonly string[],
  options: { layout?: TopicLayout; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<DsrRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (options.layout) {
    env.DSR_TOPIC_PREFIX = prefixOf(options.layout);
    env.DSR_RETRY_DELAYS_MS = options.layout.retryTiers.map((tier) => tier.delayMs).join(',');
  }

  const child = spawn(process.execPath, [join(REPO_ROOT, 'cli/dist/bin/dsr.js'), ...args], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(options.stdin ?? '');

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The non-empty lines of a command's output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
