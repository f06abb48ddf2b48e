import { DsrError, ERROR_CODES, type ErrorCode } from '@dsr/shared';

/** Where the API is and how to authenticate. */
export interface AuditorClientOptions {
  /** Base URL of the triage API, e.g. http://127.0.0.1:8085. */
  baseUrl: string;
  /** The API key or bearer token to present. */
  token: string;
  /** Give up on a request after this long; default 30 000 ms. */
  timeoutMs?: number;
}

/**
 * A small client of the triage API for commands (verify, report, retention) and for the
 * operators' `dsr` CLI. An error answer becomes a DsrError with the API's code and message.
 */
export class AuditorClient {
  constructor(private readonly options: AuditorClientOptions) {}

  /** Recomputes the chain (auditor role). */
  verify(): Promise<unknown> {
    return this.call('POST', '/v1/chain/verify', {});
  }

  /** A differentially private report (viewer, operator, auditor). */
  privateReport(request: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', '/v1/reports/private', request);
  }

  /** Exact regulatory figures (auditor role). */
  exactReport(request: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', '/v1/reports/exact', request);
  }

  /** Destroys the data keys past retention now (privacy officer role). */
  runRetention(): Promise<unknown> {
    return this.call('POST', '/v1/retention/run', {});
  }

  /** Any route of the API. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const payload = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string };
    };
    if (response.ok) return payload;

    const code = payload.error?.code;
    const known: ErrorCode =
      code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : 'INTERNAL';
    throw new DsrError(known, payload.error?.message ?? `the API answered ${response.status}`, {
      context: { status: response.status, path },
    });
  }
}
