import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DsrError } from '@dsr/shared';
import { APICURIO_VERSION, KAFKA_VERSION, cacheDir } from './paths';

const run = promisify(execFile);

/** A Maven project whose only purpose is to resolve the broker's runtime classpath. */
function kafkaPom(version: string): string {
  const dependency = (group: string, artifact: string, v: string) =>
    `<dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId>` +
    `<version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dsr.devstack</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    ${dependency('org.apache.kafka', 'kafka_2.13', version)}
    ${dependency('org.apache.kafka', 'kafka-tools', version)}
    ${dependency('org.apache.logging.log4j', 'log4j-slf4j-impl', '2.24.3')}
  </dependencies>
</project>
`;
}

async function mvn(args: string[], cwd: string): Promise<void> {
  try {
    await run('mvn', ['-q', '-B', ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (cause) {
    throw new DsrError('STACK_UNAVAILABLE', `mvn ${args[0]} failed; is Maven installed and Maven Central reachable?`, {
      cause,
    });
  }
}

/**
 * The folder of jars the broker (and its perf tools) run from: kafka_2.13 with its transitive
 * runtime dependencies, copied from Maven Central once.
 */
export async function ensureKafka(version = KAFKA_VERSION): Promise<string> {
  const dir = join(cacheDir(), `kafka-${version}`);
  const libs = join(dir, 'libs');
  const done = join(dir, '.complete');
  if (existsSync(done)) return libs;

  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), kafkaPom(version));
  await mvn(['dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'], dir);
  writeFileSync(done, new Date().toISOString());
  return libs;
}

/**
 * The unpacked Apicurio Registry distribution (a Quarkus app), fetched as the `all` tar.gz
 * classifier from Maven Central once.
 */
export async function ensureApicurio(version = APICURIO_VERSION): Promise<string> {
  const dir = join(cacheDir(), `apicurio-${version}`);
  const app = join(dir, 'app');
  const done = join(dir, '.complete');
  if (existsSync(done)) return app;

  mkdirSync(app, { recursive: true });
  const artifact = `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
  await mvn(['dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${dir}`], dir);
  const archive = readdirSync(dir).find((f) => f.endsWith('.tar.gz'));
  if (!archive) throw new DsrError('STACK_UNAVAILABLE', `no archive for ${artifact} in ${dir}`);

  await run('tar', ['xzf', join(dir, archive), '-C', app]);
  writeFileSync(done, new Date().toISOString());
  return app;
}
