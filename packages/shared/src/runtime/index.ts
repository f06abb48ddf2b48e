/**
 * Operability every service shares. A service's `src/main.ts` reads:
 *
 * ```ts
 * void runService({
 *   service: 'router',
 *   async start({ runtime, logger, fail }) {
 *     const router = createRouter({ ...config, metrics: runtime.metrics, logger });
 *     runtime.readiness.register('consumer', () => router.joined);
 *     runtime.onShutdown('stop-fetching', 'consumer', () => router.pause());
 *     runtime.onShutdown('close', 'router', () => router.close());
 *     router.on('crash', (error) => void fail(error, 'consumer crashed'));
 *     await router.start();
 *   },
 * });
 * ```
 *
 * METRICS_PORT, METRICS_HOST and SHUTDOWN_TIMEOUT_MS configure it; see `RuntimeSettings`.
 */
export * from './metrics';
export * from './readiness';
export * from './ops-server';
export * from './shutdown';
export * from './signals';
export * from './correlation';
export * from './consumer-lag';
export * from './lag-reporter';
export * from './deadline-watch';
export * from './service-runtime';
export * from './run-service';
export * from './transactional-service-host';
