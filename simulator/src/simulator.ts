import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, DsrError, createLogger, type Logger } from '@dsr/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_KNOBS, mergeKnobs, type SourceKnobs } from './config/knobs';
import { assertKnobsCoherent, parseKnobsInput } from './config/knobs-schema';
import { errorBody, sourcePath } from './http/bodies';
import {
  registerControlRoutes,
  type SimulatorControl,
  type SourceDescription,
} from './http/control-routes';
import { errorHandler } from './http/error-handler';
import { SourceListener, type RequestHandler } from './http/source-listener';
import { registerSourceRoutes } from './http/source-routes';
import { HostedSource } from './hosted-source';
import type { SimulatorCounters } from './simulator-counters';
import { systemClock, type Clock } from './source/clock';
import { GlobalCounters } from './source/global-counters';
import type { RequestIdCounters, SourceCountersSnapshot } from './source/source-counters';
import { SourceSystem, type OutageMode } from './source/source-system';

/** How to start a simulator. */
export interface SimulatorOptions {
  /** Port of the shared listener (control API and every source); default 0, a free one. */
  port?: number;
  /** Address every listener binds; default 127.0.0.1. */
  host?: string;
  /** Seed of every random stream; default 1. The same seed replays the same faults. */
  seed?: number;
  /** Sources to define at start, by name, with their knobs (validated). */
  sources?: Record<string, unknown>;
  /** Time for job lifecycles and rate limits; default the wall clock. */
  clock?: Clock;
  /** Root logger; default a logger at LOG_LEVEL, or silent. */
  logger?: Logger;
}

/** Defaults of {@link SimulatorOptions}. */
export const SIMULATOR_DEFAULTS = Object.freeze({ port: 0, host: '127.0.0.1', seed: 1 });

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Plays many third-party source systems at once over HTTP, for tests, benchmarks and the demo.
 * Each source is reachable on the shared port under `/sources/<name>` and on a port of its own.
 * Start it with {@link startSimulator}.
 */
export class Simulator implements SimulatorControl {
  readonly global = new GlobalCounters();
  readonly clock: Clock;
  readonly #settings: Required<Pick<SimulatorOptions, 'port' | 'host' | 'seed'>>;
  readonly #logger: Logger;
  readonly #sources = new Map<string, HostedSource>();
  readonly #app: FastifyInstance;
  #handler: RequestHandler | undefined;
  #port = 0;
  #closing: Promise<void> | undefined;

  constructor(options: SimulatorOptions = {}) {
    this.#settings = {
      port: options.port ?? SIMULATOR_DEFAULTS.port,
      host: options.host ?? SIMULATOR_DEFAULTS.host,
      seed: options.seed ?? SIMULATOR_DEFAULTS.seed,
    };
    this.clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? defaultLogger()).child({ component: 'simulator' });
    this.#app = this.#buildApp();
  }

  /** Base URL of the shared port, e.g. `http://127.0.0.1:43123`. */
  get url(): string {
    return `http://${urlHost(this.#settings.host)}:${this.#port}`;
  }

  /** Base URL of a source on its own port: `http://host:port/sources/<name>`. */
  sourceUrl(name: string): string {
    const { listener } = this.#entry(name);
    return `http://${urlHost(this.#settings.host)}:${listener.port}${sourcePath(name)}`;
  }

  /** Base URL of a source on the shared port: `<url>/sources/<name>`. */
  sharedSourceUrl(name: string): string {
    this.#entry(name);
    return `${this.url}${sourcePath(name)}`;
  }

  /** Starts listening on the shared port. */
  async listen(): Promise<void> {
    await this.#app.listen({ port: this.#settings.port, host: this.#settings.host });
    this.#port = (this.#app.server.address() as AddressInfo).port;
    this.#logger.info({ url: this.url }, 'simulator listening');
  }

  /** Looks a source up for the source routes. */
  findSource(name: string): SourceSystem | undefined {
    return this.#sources.get(name)?.system;
  }

  /**
   * Defines a source, or replaces all knobs of an existing one (unset knobs return to their
   * defaults; counters and jobs stay). Resolves `true` when the source is new.
   */
  async configureSource(name: string, input: unknown = {}): Promise<boolean> {
    const knobs = resolveKnobs(DEFAULT_KNOBS, input, `knobs of source "${name}"`);
    const existing = this.#sources.get(name);
    if (existing !== undefined) {
      assertSamePort(name, existing, knobs);
      existing.reconfigure(knobs, this.clock());
      this.#logger.info({ source_system: name }, 'source reconfigured');
      return false;
    }

    assertSourceName(name);
    const system = new SourceSystem(name, knobs, this.#settings.seed, this.clock());
    const listener = new SourceListener(name, this.#settings.host, knobs.port, this.#route);
    const entry = new HostedSource(system, listener, this.#logger);
    this.#sources.set(name, entry);
    try {
      await entry.open();
    } catch (error) {
      if (this.#sources.get(name) === entry) this.#sources.delete(name);
      throw new ConfigError(`source "${name}" cannot listen on port ${knobs.port}`, {
        cause: error,
        context: { source: name, port: knobs.port },
      });
    }
    this.#logger.info({ source_system: name, port: listener.port }, 'source defined');
    return true;
  }

  /** Changes some knobs of a source; nested objects (faults, job) merge. */
  updateSource(name: string, patch: unknown): void {
    const entry = this.#entry(name);
    const knobs = resolveKnobs(entry.system.knobs, patch, `knobs of source "${name}"`);
    assertSamePort(name, entry, knobs);
    entry.reconfigure(knobs, this.clock());
    this.#logger.info({ source_system: name }, 'source updated');
  }

  /** Removes a source; its own port closes and its requests get 404 from then on. */
  async removeSource(name: string): Promise<void> {
    const entry = this.#entry(name);
    this.#sources.delete(name);
    await entry.close();
    this.#logger.info({ source_system: name }, 'source removed');
  }

  /** Takes a source down in the given way (default `refuse`). */
  async takeDown(name: string, mode: OutageMode = 'refuse'): Promise<void> {
    const entry = this.#entry(name);
    await entry.setOutage(mode);
    this.#logger.info({ source_system: name, mode }, 'source taken down');
  }

  /** Ends a source's outage (its `flap` knob, if set, goes on cycling). */
  async bringUp(name: string): Promise<void> {
    const entry = this.#entry(name);
    await entry.setOutage(undefined);
    this.#logger.info({ source_system: name }, 'source brought up');
  }

  /** The knobs, URLs and outage of every source. */
  describeSources(): SourceDescription[] {
    return [...this.#sources.keys()].map((name) => this.describeSource(name));
  }

  /** The knobs, URLs and outage of one source. */
  describeSource(name: string): SourceDescription {
    const { system } = this.#entry(name);
    return {
      name,
      url: this.sourceUrl(name),
      sharedUrl: this.sharedSourceUrl(name),
      outage: system.outage ?? null,
      knobs: system.knobs,
    };
  }

  /** Every counter, globally and per source. */
  counters(): SimulatorCounters {
    const sources: Record<string, SourceCountersSnapshot> = {};
    for (const [name, entry] of this.#sources) sources[name] = entry.system.counters.snapshot();
    return { ...this.global.snapshot(), sources };
  }

  /** The counters of one source. */
  sourceCounters(name: string): SourceCountersSnapshot {
    return this.#entry(name).system.counters.snapshot();
  }

  /** Submits, jobs started and faults met by one request id at one source. */
  requestIdCounters(name: string, requestId: string): RequestIdCounters {
    return this.#entry(name).system.counters.forRequestId(requestId);
  }

  /** Submits, jobs and faults of every request id a source has seen, by request id. */
  allRequestIdCounters(name: string): Record<string, RequestIdCounters> {
    return this.#entry(name).system.counters.allRequestIds();
  }

  /**
   * Zeroes counters (and used-up forced faults) of the given sources, or of all and the global
   * ones; forgets their jobs too when `jobs` is true.
   */
  resetCounters(options: { jobs?: boolean; sources?: string[] } = {}): void {
    const names = options.sources ?? [...this.#sources.keys()];
    for (const name of names) this.#entry(name).system.reset({ jobs: options.jobs === true });
    if (options.sources === undefined) this.global.reset();
    this.#logger.info({ sources: names.length, jobs: options.jobs === true }, 'counters reset');
  }

  /**
   * Stops every listener and drops every connection, in-flight requests included, then waits
   * until each dropped request is counted out. Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    const steps = [...this.#sources.values()].map((entry) => entry.close());
    steps.push(this.#app.close());
    const failures = (await Promise.allSettled(steps)).filter((step) => step.status === 'rejected');

    // A dropped connection's close events come after the listener has closed; wait for them so
    // that the counters are final when close() resolves.
    await this.global.whenIdle();
    this.#logger.info({ failures: failures.length }, 'simulator closed');
    if (failures.length > 0) {
      const reasons = failures.map((failure) => failure.reason as unknown);
      throw new AggregateError(reasons, 'simulator close failed');
    }
  }

  readonly #route: RequestHandler = (request: IncomingMessage, response: ServerResponse) => {
    if (this.#handler === undefined) throw new DsrError('INTERNAL', 'the application is not ready');
    this.#handler(request, response);
  };

  #buildApp(): FastifyInstance {
    const app = Fastify({
      logger: false,
      forceCloseConnections: true,
      return503OnClosing: false,
      serverFactory: (handler) => {
        this.#handler = handler;
        return createServer({ keepAlive: true }, handler);
      },
    });
    registerSourceRoutes(app, this);
    registerControlRoutes(app, this);
    app.setErrorHandler(errorHandler(this.#logger));
    app.setNotFoundHandler((_request, reply) => {
      reply.code(404).send(errorBody('not_found', 'no route matches this method and path'));
    });
    return app;
  }

  #entry(name: string): HostedSource {
    const entry = this.#sources.get(name);
    if (entry !== undefined) return entry;

    throw new DsrError('NOT_FOUND', `no source system is named "${name}"`, {
      context: { source: name },
    });
  }
}

/** Starts a simulator with the given sources; `close()` it when done. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = new Simulator(options);
  try {
    await simulator.listen();
    for (const [name, knobs] of Object.entries(options.sources ?? {})) {
      await simulator.configureSource(name, knobs);
    }
  } catch (error) {
    await simulator.close();
    throw error;
  }
  return simulator;
}

function resolveKnobs(base: Readonly<SourceKnobs>, input: unknown, origin: string): SourceKnobs {
  const knobs = mergeKnobs(base, parseKnobsInput(input, origin));
  assertKnobsCoherent(knobs, origin);
  return knobs;
}

function assertSourceName(name: string): void {
  if (SOURCE_NAME.test(name)) return;

  throw new ConfigError(
    `source name "${name}" is not usable: use 1 to 64 letters, digits, '.', '_' or '-'`,
    { context: { source: name } },
  );
}

function assertSamePort(name: string, entry: HostedSource, knobs: SourceKnobs): void {
  if (knobs.port === 0 || knobs.port === entry.listener.port) return;

  throw new ConfigError(
    `port of source "${name}" is fixed once it exists; remove the source and define it again`,
    { context: { source: name } },
  );
}

// A wildcard bind address is reached locally through the loopback address.
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function defaultLogger(): Logger {
  return createLogger({ service: 'simulator', level: process.env.LOG_LEVEL ?? 'silent' });
}
