import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { StatePaths } from './paths';
import { startDetached } from './processes';

const run = promisify(execFile);

export interface BrokerPorts {
  /** Client listener; default 19092. */
  brokerPort: number;
  /** KRaft controller listener; default 19093. */
  controllerPort: number;
}

/**
 * A single node acting as broker and KRaft controller, on loopback only. Replication factors and
 * minimum ISR of the internal topics are 1 because there is only one node; group rebalances
 * start at once so tests do not wait for the three-second default.
 */
function serverProperties(paths: StatePaths, ports: BrokerPorts): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${ports.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${ports.brokerPort},CONTROLLER://127.0.0.1:${ports.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${paths.kafkaData}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}

const LOG_CONFIG = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka
        level: INFO
      - name: org.apache.kafka
        level: WARN
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
`;

/** Writes the configuration and formats the log directory the first time. */
export async function prepareBroker(java: string, libs: string, paths: StatePaths, ports: BrokerPorts): Promise<void> {
  mkdirSync(paths.kafkaData, { recursive: true });
  writeFileSync(paths.kafkaConfig, serverProperties(paths, ports));
  writeFileSync(paths.kafkaLogConfig, LOG_CONFIG);
  if (existsSync(join(paths.kafkaData, 'meta.properties'))) return;

  const classpath = join(libs, '*');
  const { stdout } = await run(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid']);
  const clusterId = stdout.trim().split('\n').pop()!;
  await run(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', paths.kafkaConfig]);
}

/** Starts the broker in the background; returns its process id. */
export function startBroker(java: string, libs: string, paths: StatePaths): number {
  const args = [
    '-Xms256m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    `-Dlog4j2.configurationFile=${paths.kafkaLogConfig}`,
    '-cp',
    join(libs, '*'),
    'kafka.Kafka',
    paths.kafkaConfig,
  ];
  return startDetached(java, args, join(paths.logs, 'kafka.log'), paths.root);
}

/** Whether the broker answers a metadata request within a few seconds. */
export async function brokerAnswers(brokers: string[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'dsr-devstack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
