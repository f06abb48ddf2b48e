import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { DsrError } from '../errors';
import type { Logger } from '../logging/logger';
import type { Readiness } from './readiness';

export interface OpsServerOptions {
  /** Port to listen on; 0 picks a free one (read it back from `port`). */
  port: number;
  /** Interface to bind; default `0.0.0.0` so a scraper outside the container can reach it. */
  host?: string;
  registry: Registry;
  readiness: Readiness;
  logger: Logger;
}

/** The operations endpoint of a running service. */
export interface OpsServer {
  /** The port actually bound. */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Stops accepting connections and ends open ones; idempotent. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves `/metrics` (Prometheus text format), `/healthz` (the process is alive and its event loop
 * turns) and `/readyz` (the service's registered checks pass and it is not draining: 200, or 503
 * with the failing checks). Nothing else; every answer is identifiers and numbers only.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const log = options.logger.child({ component: 'ops-server' });
  const startedAt = Date.now();
  const server = createServer((request, response) => {
    route(request, response, options, startedAt).catch((error: unknown) => {
      log.error({ err: error, path: request.url }, 'ops endpoint failed');
      if (!response.headersSent) respond(response, 500, JSON_TYPE, '{"error":"internal"}');
    });
  });

  await listen(server, options.port, options.host ?? '0.0.0.0');
  const { port } = server.address() as AddressInfo;
  log.info({ port }, 'ops endpoint listening');

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => (closing ??= closeServer(server)),
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  options: OpsServerOptions,
  startedAt: number,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];

  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return respond(response, 405, JSON_TYPE, '{"error":"method not allowed"}');
  }

  switch (path) {
    case '/metrics': {
      const body = await options.registry.metrics();
      return respond(response, 200, options.registry.contentType, body);
    }
    case '/healthz': {
      const body = { status: 'alive', uptimeMs: Date.now() - startedAt };
      return respond(response, 200, JSON_TYPE, JSON.stringify(body));
    }
    case '/readyz': {
      const report = await options.readiness.evaluate();
      return respond(response, report.ready ? 200 : 503, JSON_TYPE, JSON.stringify(report));
    }
    default:
      return respond(response, 404, JSON_TYPE, '{"error":"not found"}');
  }
}

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(
        new DsrError('CONFIG_INVALID', `cannot listen on ${host}:${port} for metrics and health`, {
          cause,
          context: { option: 'METRICS_PORT', port },
        }),
      );
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
