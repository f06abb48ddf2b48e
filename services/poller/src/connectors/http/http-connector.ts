import { DsrError, type RoutedTask } from '@dsr/shared';
import { Agent, request } from 'undici';
import type { HttpConnectorConfig, RequestTemplate } from '../../config/connector-config';
import { codeForHttpStatus, parseRetryAfterMs } from '../../failure/http-status';
import { SourceError } from '../../failure/source-error';
import type { BackoffOptions } from '../../retry/backoff';
import { idempotencyKeyOf } from '../idempotency-key';
import type { ConnectorResult, SourceConnector } from '../source-connector';
import { readJsonPath } from './json-path';
import { assertTemplateFields, renderRequest } from './request-template';

/** One HTTP source: its name, validated settings and the environment for its secrets. */
export interface HttpConnectorOptions {
  sourceSystem: string;
  config: HttpConnectorConfig;
  /** Connections kept to the source; the source's concurrency cap is a good value. */
  connections: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * A SaaS source reached over HTTP. Requests come from per-action templates; an async action's
 * answer names a job whose status is polled with the job templates. How ids, statuses and
 * results are found in answers is configuration, so a new vendor needs no code.
 */
export class HttpConnector implements SourceConnector {
  readonly pollBackoff: BackoffOptions | undefined;
  readonly #sourceSystem: string;
  readonly #config: HttpConnectorConfig;
  readonly #agent: Agent;
  readonly #authHeaders: Record<string, string>;
  #closing: Promise<void> | undefined;

  constructor(options: HttpConnectorOptions) {
    const { config, sourceSystem } = options;
    for (const [action, template] of Object.entries(config.actions)) {
      if (template)
        assertTemplateFields(template, `sources.${sourceSystem}.connector.actions.${action}`);
    }
    if (config.job)
      assertTemplateFields(config.job.status, `sources.${sourceSystem}.connector.job.status`);

    this.#sourceSystem = sourceSystem;
    this.#config = config;
    this.pollBackoff = config.job ? config.polling : undefined;
    this.#authHeaders = authHeaders(config, options.env ?? process.env);
    this.#agent = new Agent({
      connections: options.connections,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
  }

  async execute(task: RoutedTask, signal: AbortSignal): Promise<ConnectorResult> {
    const template = this.#config.actions[task.action];
    if (!template) {
      throw new DsrError(
        'SOURCE_ACTION_UNSUPPORTED',
        `source ${this.#sourceSystem} has no ${task.action} request`,
        {
          context: { sourceSystem: this.#sourceSystem, action: task.action },
        },
      );
    }

    const body = await this.#send(template, task, {}, signal);
    if (template.async) return { kind: 'submitted', jobId: this.#jobIdOf(body) };

    if (task.action !== 'access') return { kind: 'completed' };
    return { kind: 'completed', exported: exportOf(body, template.resultPath) };
  }

  async poll(task: RoutedTask, jobId: string, signal: AbortSignal): Promise<ConnectorResult> {
    const job = this.#config.job;
    if (!job)
      throw new DsrError(
        'INTERNAL',
        `source ${this.#sourceSystem} has no job settings to poll with`,
      );

    const body = await this.#send(job.status, task, { job_id: jobId }, signal);
    const status = String(readJsonPath(body, job.statusPath) ?? '');
    if (job.failedValues.includes(status)) {
      throw new SourceError(
        'SOURCE_JOB_FAILED',
        `job ${jobId} at ${this.#sourceSystem} ended as ${status}`,
        {
          context: { sourceSystem: this.#sourceSystem, jobId },
        },
      );
    }
    if (!job.doneValues.includes(status)) return { kind: 'running' };

    if (task.action !== 'access') return { kind: 'completed' };
    if (!job.result) return { kind: 'completed', exported: exportOf(body, job.resultPath) };

    const result = await this.#send(job.result, task, { job_id: jobId }, signal);
    return { kind: 'completed', exported: exportOf(result, job.resultPath) };
  }

  close(): Promise<void> {
    this.#closing ??= this.#agent.close();
    return this.#closing;
  }

  async #send(
    template: RequestTemplate,
    task: RoutedTask,
    extra: Record<string, string>,
    signal: AbortSignal,
  ): Promise<unknown> {
    const idempotencyKey = idempotencyKeyOf(task);
    const rendered = renderRequest(template, task, { ...extra, idempotency_key: idempotencyKey });
    const headers: Record<string, string> = { ...this.#authHeaders, accept: 'application/json' };
    if (rendered.body !== undefined) headers['content-type'] = 'application/json';
    if (rendered.method !== 'GET')
      headers[this.#config.idempotencyHeader.toLowerCase()] = idempotencyKey;

    const response = await request(new URL(rendered.path, this.#config.baseUrl), {
      method: rendered.method,
      headers,
      body: rendered.body,
      dispatcher: this.#agent,
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.#config.timeoutMs)]),
    });
    const text = await response.body.text();

    if (response.statusCode >= 300) throw this.#failureOf(response.statusCode, response.headers);
    return text.length === 0 ? {} : parseJson(text, this.#sourceSystem);
  }

  #failureOf(status: number, headers: Record<string, string | string[] | undefined>): SourceError {
    const code = codeForHttpStatus(status, {
      notFoundIsPermanent: this.#config.notFoundIsPermanent,
    });
    const retryAfter = headers['retry-after'];
    const retryAfterMs =
      status === 429 || status === 503
        ? parseRetryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now())
        : undefined;
    const revoked =
      status === 401 && /invalid_token|revoked/i.test(String(headers['www-authenticate'] ?? ''));
    return new SourceError(
      revoked ? 'SOURCE_TOKEN_REVOKED' : code,
      `source ${this.#sourceSystem} answered ${status}`,
      {
        retryAfterMs,
        context: { sourceSystem: this.#sourceSystem, status },
      },
    );
  }

  #jobIdOf(body: unknown): string {
    const id = readJsonPath(body, this.#config.job!.idPath);
    if (typeof id === 'string' || typeof id === 'number') return String(id);

    throw new SourceError(
      'SOURCE_UNKNOWN_FAILURE',
      `source ${this.#sourceSystem} accepted a job without an id`,
      {
        context: { sourceSystem: this.#sourceSystem, path: this.#config.job!.idPath },
      },
    );
  }
}

function exportOf(body: unknown, path: string | undefined): Buffer {
  const data = path === undefined ? body : readJsonPath(body, path);
  return Buffer.from(JSON.stringify(data ?? null));
}

function parseJson(text: string, sourceSystem: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new SourceError(
      'SOURCE_UNKNOWN_FAILURE',
      `source ${sourceSystem} answered with a body that is not JSON`,
      {
        cause,
        context: { sourceSystem },
      },
    );
  }
}

function authHeaders(config: HttpConnectorConfig, env: NodeJS.ProcessEnv): Record<string, string> {
  const auth = config.auth;
  if (auth.kind === 'bearer') return { authorization: `Bearer ${env[auth.tokenEnv] ?? ''}` };
  if (auth.kind === 'api-key') return { [auth.header.toLowerCase()]: env[auth.keyEnv] ?? '' };
  return {};
}
