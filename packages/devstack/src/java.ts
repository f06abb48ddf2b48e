import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DsrError } from '@dsr/shared';

const run = promisify(execFile);

export interface JavaRuntime {
  path: string;
  major: number;
}

async function majorOf(path: string): Promise<number | undefined> {
  try {
    // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
    const { stderr } = await run(path, ['-version']);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
    if (!match) return undefined;
    const first = Number(match[1]);
    return first === 1 ? Number(match[2]) : first;
  } catch {
    return undefined;
  }
}

function candidates(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  if (env.JAVA_HOME) found.add(join(env.JAVA_HOME, 'bin', 'java'));
  found.add('java');
  const jvmRoot = '/usr/lib/jvm';
  if (existsSync(jvmRoot)) {
    for (const entry of readdirSync(jvmRoot)) {
      const path = join(jvmRoot, entry, 'bin', 'java');
      if (existsSync(path)) found.add(path);
    }
  }
  return [...found];
}

/**
 * The newest Java runtime on the machine whose major version is at least `minimum`, preferring
 * one no newer than `preferredMaximum` (the newest release a component is tested on). Apicurio
 * Registry 3.3 is compiled for Java 21 while the Kafka broker runs on 17, and machines of this
 * kind carry both a distribution JDK and a newer Temurin one side by side.
 */
export async function findJava(
  minimum: number,
  preferredMaximum = Number.POSITIVE_INFINITY,
  env: NodeJS.ProcessEnv = process.env,
): Promise<JavaRuntime> {
  const runtimes: JavaRuntime[] = [];
  for (const path of candidates(env)) {
    const major = await majorOf(path);
    if (major !== undefined && major >= minimum) runtimes.push({ path, major });
  }
  runtimes.sort((a, b) => b.major - a.major);

  const best = runtimes.find((r) => r.major <= preferredMaximum) ?? runtimes[0];
  if (!best) {
    throw new DsrError('STACK_UNAVAILABLE', `no Java ${minimum}+ found (looked at JAVA_HOME, PATH and /usr/lib/jvm)`, {
      context: { minimum },
    });
  }
  return best;
}
