import type { Logger } from '../logging/logger';
import type { ShutdownReport } from './shutdown';

/** Anything that closes once, in order: a ShutdownCoordinator or a ServiceRuntime. */
export interface GracefulClose {
  readonly shuttingDown: boolean;
  shutdown(reason?: string): Promise<ShutdownReport>;
}

export interface SignalHandlingOptions {
  logger: Logger;
  /** Signals that begin the close; default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /**
   * Called with the exit code once the close has finished: 0 when every step succeeded, 1
   * otherwise. Default `process.exit`, so a stray handle cannot keep a closed service alive.
   */
  exit?: (code: number, report: ShutdownReport) => void;
}

/**
 * Closes the service on SIGTERM or SIGINT and then ends the process. A repeated signal (an
 * operator pressing Ctrl-C again, or a process group receiving both) does not cut the close
 * short: the coordinator's bound already guarantees it ends. Returns a function that removes the
 * handlers.
 */
export function closeOnSignals(
  coordinator: GracefulClose,
  options: SignalHandlingOptions,
): () => void {
  const log = options.logger.child({ component: 'signals' });
  const signals = options.signals ?? (['SIGTERM', 'SIGINT'] as const);
  const exit = options.exit ?? ((code: number) => process.exit(code));

  const onSignal = (signal: NodeJS.Signals) => {
    if (coordinator.shuttingDown) {
      log.info({ signal }, 'signal received while already shutting down');
      return;
    }

    log.info({ signal }, 'signal received, shutting down');
    void coordinator.shutdown(signal).then((report) => exit(report.ok ? 0 : 1, report));
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
