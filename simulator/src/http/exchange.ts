import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GlobalCounters } from '../source/global-counters';
import type { SourceSystem } from '../source/source-system';

/**
 * One request to a source, from arrival to answer. It counts the request in flight until the
 * answer is decided (before its bytes leave, so a client that reacts to the answer at once can
 * never be counted twice) or until the connection ends, whichever comes first.
 */
export class Exchange {
  readonly source: SourceSystem;
  readonly #global: GlobalCounters;
  readonly #request: FastifyRequest;
  readonly #reply: FastifyReply;
  #settled = false;

  constructor(
    source: SourceSystem,
    global: GlobalCounters,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    this.source = source;
    this.#global = global;
    this.#request = request;
    this.#reply = reply;
    source.counters.enter();
    global.enter();
    reply.raw.once('close', () => this.#settle('aborted'));
  }

  /** Sends an answer with this status, JSON body and headers. */
  answer(status: number, body: unknown, headers?: Record<string, string>): FastifyReply {
    this.#settle(String(status));
    if (headers !== undefined) this.#reply.headers(headers);
    return this.#reply.code(status).send(body);
  }

  /** Resets the connection (TCP RST) instead of answering. */
  reset(): FastifyReply {
    this.#settle('reset');
    this.#reply.hijack();
    this.#request.raw.socket.resetAndDestroy();
    return this.#reply;
  }

  /**
   * Waits before answering. Resolves `false`, and gives up the reply, when the client left or
   * the simulator closed meanwhile; the caller then answers nothing.
   */
  pause(delayMs: number): Promise<boolean> {
    if (this.#settled) {
      this.#reply.hijack();
      return Promise.resolve(false);
    }
    if (delayMs <= 0) return Promise.resolve(true);

    const raw = this.#reply.raw;
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        this.#reply.hijack();
        resolve(false);
      };
      const timer = setTimeout(() => {
        raw.off('close', onClose);
        resolve(true);
      }, delayMs);
      timer.unref();
      raw.once('close', onClose);
    });
  }

  #settle(outcome: string): void {
    if (this.#settled) return;

    this.#settled = true;
    this.source.counters.leave(outcome);
    this.#global.leave();
  }
}
