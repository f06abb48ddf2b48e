import { DsrError, ERROR_CODES, type ErrorCode } from '@dsr/shared';

/** Where the dlq-auditor's triage API is and how to present oneself to it. */
export interface AuditorClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8085`. */
  baseUrl: string;
  /** The API key sent as `x-api-key`; every route but health needs one. */
  token?: string;
  /** Time allowed for one request, in ms; default 30000 (reports and verification scan tables). */
  timeoutMs?: number;
}

/** The default address of the auditor's triage API on the local stack. */
export const DEFAULT_AUDITOR_URL = 'http://127.0.0.1:8085';

const CLIENT_DEFAULTS = Object.freeze({ timeoutMs: 30_000 });

/**
 * A small client of the triage API. Errors the API answers with keep their code (NOT_FOUND,
 * FORBIDDEN, PRIVACY_BUDGET_EXHAUSTED, ...) so the command's exit status follows from them; a
 * refused connection or a timeout is AUDITOR_UNREACHABLE.
 */
export class AuditorClient {
  readonly #settings: Required<Pick<AuditorClientOptions, 'baseUrl' | 'timeoutMs'>>;
  readonly #token: string | undefined;

  constructor(options: AuditorClientOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#settings = { timeoutMs: options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs, baseUrl };
    this.#token = options.token;
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.size > 0 ? `?${params.toString()}` : '';
    return this.#send<T>('GET', `${path}${search}`);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.#send<T>('POST', path, body);
  }

  async #send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.#settings.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers['x-api-key'] = this.#token;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#settings.timeoutMs),
      });
    } catch (cause) {
      throw new DsrError(
        'AUDITOR_UNREACHABLE',
        `the dlq-auditor at ${this.#settings.baseUrl} did not answer ${method} ${path}; ` +
          'is it running? (DSR_AUDITOR_URL or --auditor-url)',
        { cause, context: { url: this.#settings.baseUrl } },
      );
    }

    const text = await response.text();
    if (!response.ok) throw errorFromAnswer(response.status, text, method, path);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }
}

/** The API's error answer as a DsrError with the API's own code when it is one of ours. */
function errorFromAnswer(status: number, text: string, method: string, path: string): DsrError {
  let code: string | undefined;
  let message = `${method} ${path} answered ${status}`;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not the API's JSON error shape (a proxy's page, say): the status line is all there is.
  }

  const known = code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : undefined;
  const fallback: ErrorCode =
    status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'INTERNAL';
  const finalCode = known ?? (status === 404 ? 'NOT_FOUND' : fallback);
  const hint = finalCode === 'UNAUTHENTICATED' ? ' (set DSR_AUDITOR_TOKEN to your API key)' : '';
  return new DsrError(finalCode, `${message}${hint}`, { context: { status, path } });
}
