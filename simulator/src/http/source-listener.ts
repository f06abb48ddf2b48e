import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sourcePath } from './bodies';

/** The request handler of the simulator's HTTP application. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A source's own listener, on a port of its own. It serves only that source's routes, through
 * the same application as the shared port, with or without the `/sources/<name>` prefix.
 * Closing it is how a source refuses connections for real: the kernel answers a connect to a
 * port nobody listens on with a reset, which clients see as ECONNREFUSED. It opens again on the
 * same port.
 */
export class SourceListener {
  readonly #host: string;
  readonly #prefix: string;
  readonly #handler: RequestHandler;
  #port: number;
  #server: Server | undefined;

  constructor(source: string, host: string, port: number, handler: RequestHandler) {
    this.#host = host;
    this.#prefix = `${sourcePath(source)}/`;
    this.#handler = handler;
    this.#port = port;
  }

  /** The port, once opened (the one chosen by the system when 0 was asked for). */
  get port(): number {
    return this.#port;
  }

  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Starts listening; the first time on the configured port, later on the same one again. */
  async open(): Promise<void> {
    if (this.#server !== undefined) return;

    const server = createServer({ keepAlive: true }, (request, response) =>
      this.#route(request, response),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and drops every connection at once. */
  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;

    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // Paths may carry the source's prefix or not: `/jobs` here is `/sources/<name>/jobs`.
  #route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    if (url.startsWith(this.#prefix)) {
      this.#handler(request, response);
      return;
    }
    if (url.startsWith('/sources/') || url.startsWith('/control/')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"not_found","message":"this port serves one source system"}');
      return;
    }

    request.url = `${this.#prefix.slice(0, -1)}${url}`;
    this.#handler(request, response);
  }
}
