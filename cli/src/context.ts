import type { Kafka } from 'kafkajs';
import {
  AvroSerde,
  createKafka,
  createLogger,
  resolveEndpoints,
  topicLayoutFromEnv,
  type Endpoints,
  type Logger,
  type TopicLayout,
} from '@dsr/shared';
import { AuditorClient, DEFAULT_AUDITOR_URL } from './auditor/auditor-client';
import { STANDARD_OUTPUT, type Output } from './output';

/** Settings every subcommand shares, from global options and the environment. */
export interface CliSettings {
  /** Environment the endpoints and topic layout are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Overrides DSR_TOPIC_PREFIX. */
  topicPrefix?: string;
  /** Overrides DSR_AUDITOR_URL. */
  auditorUrl?: string;
  output?: Output;
}

/**
 * The clients a subcommand needs, made on first use and closed together. A subcommand that only
 * talks to the auditor never connects to Kafka, and one that fails before connecting leaves
 * nothing open.
 */
export class CliContext {
  readonly output: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly #closers: (() => Promise<void>)[] = [];
  #endpoints: Endpoints | undefined;
  #layout: TopicLayout | undefined;
  #kafka: Kafka | undefined;
  #serde: AvroSerde | undefined;
  #auditor: AuditorClient | undefined;
  readonly #auditorUrl: string | undefined;

  constructor(settings: CliSettings = {}) {
    const base = settings.env ?? process.env;
    const prefix = settings.topicPrefix;
    this.env = prefix === undefined ? base : { ...base, DSR_TOPIC_PREFIX: prefix };
    this.output = settings.output ?? STANDARD_OUTPUT;
    this.#auditorUrl = settings.auditorUrl;
    // The command's own output is its result; library chatter goes to stderr only when asked.
    this.logger = createLogger({
      service: 'dsr-cli',
      level: this.env.DSR_CLI_LOG_LEVEL ?? 'silent',
      destination: process.stderr,
    });
  }

  get endpoints(): Endpoints {
    this.#endpoints ??= resolveEndpoints(this.env);
    return this.#endpoints;
  }

  get layout(): TopicLayout {
    this.#layout ??= topicLayoutFromEnv(this.env);
    return this.#layout;
  }

  get kafka(): Kafka {
    this.#kafka ??= createKafka({
      clientId: 'dsr-cli',
      brokers: this.endpoints.kafkaBrokers,
      logger: this.logger,
      // A person is waiting: fail within seconds rather than retry for a minute.
      overrides: { connectionTimeout: 3_000, retry: { retries: 3, initialRetryTime: 200 } },
    });
    return this.#kafka;
  }

  get serde(): AvroSerde {
    const registryUrl = this.endpoints.schemaRegistryUrl;
    this.#serde ??= new AvroSerde({ registryUrl, layout: this.layout });
    return this.#serde;
  }

  /** The dlq-auditor's triage API, authenticated with DSR_AUDITOR_TOKEN. */
  get auditor(): AuditorClient {
    const baseUrl = this.#auditorUrl ?? this.env.DSR_AUDITOR_URL ?? DEFAULT_AUDITOR_URL;
    this.#auditor ??= new AuditorClient({ baseUrl, token: this.env.DSR_AUDITOR_TOKEN });
    return this.#auditor;
  }

  /** Registers something to close when the command ends, in reverse order of registration. */
  onClose(close: () => Promise<void>): void {
    this.#closers.unshift(close);
  }

  /** Closes everything opened; every closer runs even if one fails. */
  async close(): Promise<void> {
    for (const close of this.#closers.splice(0)) {
      await close().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'closing a client failed');
      });
    }
  }
}
