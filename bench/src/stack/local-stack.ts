import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, resolveEndpoints, type Endpoints } from '@dsr/shared';
import { ensureKafka } from '@dsr/devstack/dist/artifacts';
import { findJava } from '@dsr/devstack/dist/java';
import { statePaths } from '@dsr/devstack/dist/paths';

const run = promisify(execFile);

/** The running local stack, as the bench needs it. */
export interface LocalStack {
  endpoints: Endpoints;
  /** The folder of Kafka jars the broker runs from; its perf tools are among them. */
  kafkaLibs: string;
  /** The Java runtime the broker runs on (17..21), used for the perf tools too. */
  javaPath: string;
  /** Process id of the broker, when this machine's stack started it. */
  brokerPid?: number;
}

/**
 * Starts the local stack, or reuses it when it already answers, through the same command a
 * developer types (`dsr-stack up`), so the bench measures the stack everyone else uses.
 */
export async function bringUpStack(): Promise<LocalStack> {
  const cli = join(REPO_ROOT, 'packages', 'devstack', 'dist', 'cli.js');
  await run(process.execPath, [cli, 'up'], { cwd: REPO_ROOT, maxBuffer: 4 * 1024 * 1024 });

  const [kafkaLibs, java] = await Promise.all([ensureKafka(), findJava(17, 21)]);
  return {
    endpoints: resolveEndpoints(),
    kafkaLibs,
    javaPath: java.path,
    brokerPid: brokerPid(),
  };
}

function brokerPid(): number | undefined {
  const file = statePaths().pids;
  if (!existsSync(file)) return undefined;

  const pids = JSON.parse(readFileSync(file, 'utf8')) as { kafka?: number };
  return pids.kafka !== undefined && existsSync(`/proc/${pids.kafka}`) ? pids.kafka : undefined;
}
