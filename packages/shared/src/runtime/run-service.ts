import { createLogger, type Logger } from '../logging/logger';
import { startServiceRuntime, type RuntimeSettings, type ServiceRuntime } from './service-runtime';

/** What a service's start function receives. */
export interface ServiceContext {
  runtime: ServiceRuntime;
  logger: Logger;
  /**
   * Ends the process after a failure it cannot recover from (a consumer that crashed for good):
   * logs it, runs the ordered close and exits with code 1.
   */
  fail(error: unknown, reason: string): Promise<void>;
}

export interface RunServiceOptions {
  service: string;
  /** Builds and starts the service; registers its readiness checks and close steps. */
  start(context: ServiceContext): Promise<void>;
  settings?: Partial<RuntimeSettings>;
  /** Ends the process; default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * The body of every service's `main.ts`: starts the ops endpoint first (so `/healthz` answers
 * while the service connects), closes in order on SIGTERM/SIGINT, and turns a failed start into a
 * logged error, a close of whatever had started, and exit code 1.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const logger = createLogger({ service: options.service });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let runtime: ServiceRuntime;

  try {
    const { service, settings } = options;
    runtime = await startServiceRuntime({ service, logger, settings });
  } catch (error) {
    logger.fatal({ err: error }, 'service runtime failed to start');
    return exit(1);
  }

  runtime.closeOnSignals({ exit: (code) => exit(code) });
  const fail = async (error: unknown, reason: string) => {
    logger.fatal({ err: error, reason }, 'service failed');
    await runtime.shutdown(reason);
    exit(1);
  };

  try {
    await options.start({ runtime, logger, fail });
    logger.info({ port: runtime.server.port }, 'service started');
  } catch (error) {
    await fail(error, 'start failed');
  }
}
