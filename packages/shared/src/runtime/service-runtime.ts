import { z } from 'zod';
import { parseConfig } from '../config/load-config';
import type { Logger } from '../logging/logger';
import { startLagReporter, type LagReporter, type LagReporterOptions } from './lag-reporter';
import { createPipelineMetrics, type PipelineMetrics } from './metrics';
import { startOpsServer, type OpsServer } from './ops-server';
import { Readiness } from './readiness';
import {
  ShutdownCoordinator,
  type ShutdownAction,
  type ShutdownPhase,
  type ShutdownReport,
} from './shutdown';
import { closeOnSignals, type SignalHandlingOptions } from './signals';

/** Operability settings a service reads from its environment. */
export interface RuntimeSettings {
  /** METRICS_PORT: port of /metrics, /healthz and /readyz; default 9464, 0 picks a free one. */
  metricsPort: number;
  /** METRICS_HOST: interface to bind; default 0.0.0.0. */
  metricsHost: string;
  /** SHUTDOWN_TIMEOUT_MS: bound on the graceful close; default 20000. */
  shutdownTimeoutMs: number;
}

const runtimeSettingsSchema = z.object({
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9464),
  metricsHost: z.string().min(1).default('0.0.0.0'),
  shutdownTimeoutMs: z.coerce.number().int().min(100).default(20_000),
});

/** Reads the operability settings from the environment; unset ones take their defaults. */
export function runtimeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const raw = {
    metricsPort: env.METRICS_PORT || undefined,
    metricsHost: env.METRICS_HOST || undefined,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS || undefined,
  };
  return parseConfig(runtimeSettingsSchema, raw, 'environment (METRICS_*, SHUTDOWN_TIMEOUT_MS)');
}

export interface ServiceRuntimeOptions {
  /** The service name: the `service` label of its metrics. */
  service: string;
  logger: Logger;
  /** Settings; default from the environment. */
  settings?: Partial<RuntimeSettings>;
}

/**
 * What every service process shares: its metrics, its readiness checks, its ops endpoint and its
 * ordered close. The ops endpoint stays up until every registered step has run, so `/readyz`
 * answers 503 (draining) throughout the close instead of refusing connections.
 */
export interface ServiceRuntime {
  readonly metrics: PipelineMetrics;
  readonly readiness: Readiness;
  readonly server: OpsServer;
  readonly shuttingDown: boolean;
  /** Adds a step to the close; see SHUTDOWN_PHASES for the order. */
  onShutdown(phase: ShutdownPhase, name: string, action: ShutdownAction): void;
  /** Runs the close once (idempotent), then stops the ops endpoint. Never rejects. */
  shutdown(reason?: string): Promise<ShutdownReport>;
  /** Closes on SIGTERM/SIGINT and exits; returns a function that removes the handlers. */
  closeOnSignals(options?: Omit<SignalHandlingOptions, 'logger'>): () => void;
  /**
   * Keeps the `dsr_consumer_lag` gauge current for a consumer group and stops measuring when
   * the service closes.
   */
  watchConsumerLag(options: Omit<LagReporterOptions, 'metrics' | 'logger'>): Promise<LagReporter>;
}

/** Creates the metrics, readiness and close of a service and starts its ops endpoint. */
export async function startServiceRuntime(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
  const settings = { ...runtimeSettingsFromEnv(), ...options.settings };
  const metrics = createPipelineMetrics({ service: options.service });
  const readiness = new Readiness();
  const coordinator = new ShutdownCoordinator({
    logger: options.logger,
    timeoutMs: settings.shutdownTimeoutMs,
  });
  coordinator.register('stop-fetching', 'readiness', () => readiness.markDraining());

  const server = await startOpsServer({
    port: settings.metricsPort,
    host: settings.metricsHost,
    registry: metrics.registry,
    readiness,
    logger: options.logger,
  });

  let closing: Promise<ShutdownReport> | undefined;
  const runtime: ServiceRuntime = {
    metrics,
    readiness,
    server,
    get shuttingDown() {
      return closing !== undefined;
    },
    onShutdown: (phase, name, action) => coordinator.register(phase, name, action),
    shutdown: (reason) => (closing ??= closeAll(coordinator, server, reason)),
    closeOnSignals: (signalOptions = {}) =>
      closeOnSignals(runtime, { ...signalOptions, logger: options.logger }),
    watchConsumerLag: async (lagOptions) => {
      const reporter = await startLagReporter({ ...lagOptions, metrics, logger: options.logger });
      coordinator.register('close', 'lag-reporter', () => reporter.close());
      return reporter;
    },
  };
  return runtime;
}

async function closeAll(
  coordinator: ShutdownCoordinator,
  server: OpsServer,
  reason: string | undefined,
): Promise<ShutdownReport> {
  const report = await coordinator.shutdown(reason);
  await server.close();
  return report;
}
