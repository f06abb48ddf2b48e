import type { TestContext } from 'node:test';
import { Agent, request } from 'undici';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src';

/** A clock a test moves by hand. */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export function manualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

/** A simulator on 127.0.0.1 that closes itself after the test. */
export async function simulatorFor(t: TestContext, options: SimulatorOptions): Promise<Simulator> {
  const simulator = await startSimulator({ host: '127.0.0.1', port: 0, ...options });
  t.after(() => simulator.close());
  return simulator;
}

/** An HTTP client whose connections close after the test. */
export function clientFor(t: TestContext, options: Agent.Options = {}): Agent {
  const agent = new Agent(options);
  t.after(() => agent.destroy());
  return agent;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends a JSON request and reads the JSON answer. */
export async function call(agent: Agent, url: string, options: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  const response = await request(url, {
    dispatcher: agent,
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** A submit body for one request id. */
export function order(requestId: string, action = 'access'): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: requestId,
    action,
    subject: 'ada@example.test',
  };
  if (action === 'rectification') body.changes = { name: 'Ada' };
  return body;
}

/** Submits a job with an idempotency key. */
export function submit(
  agent: Agent,
  baseUrl: string,
  requestId: string,
  key = `key-${requestId}`,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return call(agent, `${baseUrl}/jobs`, {
    body: order(requestId),
    headers: { 'idempotency-key': key, ...headers },
  });
}

/** The error code of a failed undici call (ECONNRESET, ECONNREFUSED, ...). */
export async function failureCode(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
  throw new Error('the call succeeded but a failure was expected');
}
