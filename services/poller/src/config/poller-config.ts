import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '@dsr/shared';
import { z } from 'zod';
import { connectorSchema } from './connector-config';

const breakerSchema = z.strictObject({
  /** A call taking longer than this fails as a timeout, milliseconds. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Share of failed calls in the rolling window that opens the breaker, percent. */
  errorThresholdPercentage: z.number().min(1).max(100).default(50),
  /** How long the breaker stays open before it lets one trial call through, milliseconds. */
  resetTimeoutMs: z.number().int().positive().default(30_000),
  /** Calls in the window before the breaker may open at all. */
  volumeThreshold: z.number().int().min(0).default(10),
  rollingCountTimeoutMs: z.number().int().positive().default(10_000),
  rollingCountBuckets: z.number().int().positive().default(10),
});

const sourceSchema = z.strictObject({
  connector: connectorSchema,
  /** Most tasks running against this source at once; the global cap when absent. */
  maxConcurrency: z.number().int().positive().optional(),
  rateLimit: z
    .strictObject({
      ratePerSecond: z.number().positive(),
      burst: z.number().int().positive().optional(),
    })
    .optional(),
  breaker: breakerSchema.default(breakerSchema.parse({})),
});

const resultsSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('directory'), path: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('postgres'),
    connectionEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .default('DATABASE_URL'),
    table: z
      .string()
      .regex(/^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/)
      .default('dsr_access_results'),
  }),
]);

/** The poller's configuration file. */
export const pollerConfigSchema = z
  .strictObject({
    consumerGroup: z.string().min(1).default('dsr-poller'),
    concurrency: z.strictObject({ global: z.number().int().positive() }),
    /** Records held per partition between delivery and outcome: pause above high, resume at low. */
    buffer: z
      .strictObject({
        highWaterMark: z.number().int().positive().default(500),
        lowWaterMark: z.number().int().min(0).default(100),
      })
      .default({ highWaterMark: 500, lowWaterMark: 100 }),
    retry: z
      .strictObject({
        /** Retries and deferrals must be due at least this long before the deadline, ms. */
        deadlineMarginMs: z.number().int().min(0).default(3_600_000),
      })
      .default({ deadlineMarginMs: 3_600_000 }),
    consumer: z
      .strictObject({
        sessionTimeoutMs: z.number().int().positive().default(30_000),
        heartbeatIntervalMs: z.number().int().positive().default(3_000),
      })
      .default({ sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 }),
    outcomes: z
      .strictObject({
        /** How long finished tasks wait to share one transaction, milliseconds. */
        lingerMs: z.number().int().min(0).default(20),
        /** Most tasks whose outcomes one transaction carries. */
        maxBatch: z.number().int().positive().default(500),
        transactionTimeoutMs: z.number().int().positive().default(30_000),
      })
      .default({ lingerMs: 20, maxBatch: 500, transactionTimeoutMs: 30_000 }),
    results: resultsSchema,
    sources: z.record(z.string().min(1), sourceSchema).refine((s) => Object.keys(s).length > 0, {
      message: 'must configure at least one source system',
    }),
  })
  .superRefine((config, ctx) => {
    if (config.buffer.lowWaterMark >= config.buffer.highWaterMark) {
      ctx.addIssue({
        code: 'custom',
        path: ['buffer', 'lowWaterMark'],
        message: 'must be below buffer.highWaterMark',
      });
    }
    if (config.consumer.heartbeatIntervalMs * 3 > config.consumer.sessionTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['consumer', 'heartbeatIntervalMs'],
        message: 'must be at most a third of consumer.sessionTimeoutMs',
      });
    }
    for (const [name, source] of Object.entries(config.sources)) {
      if ((source.maxConcurrency ?? 0) > config.concurrency.global) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', name, 'maxConcurrency'],
          message: 'must not exceed concurrency.global',
        });
      }
    }
  });

/** The validated configuration, defaults filled in, and its parts. */
export type PollerConfig = z.infer<typeof pollerConfigSchema>;
export type SourceConfig = PollerConfig['sources'][string];
export type BreakerConfig = SourceConfig['breaker'];
export type ResultsConfig = PollerConfig['results'];

/** Validates a configuration object; `origin` names where it came from in error messages. */
export function parsePollerConfig(raw: unknown, origin: string): PollerConfig {
  const config = parseConfig(pollerConfigSchema, raw, origin);
  assertSecretsPresent(config, origin, process.env);
  return config;
}

/** Reads and validates the configuration file at `path`. */
export function loadPollerConfig(path: string): PollerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(
      `cannot read the poller configuration ${path}: ${(cause as Error).message}`,
      {
        cause,
        context: { origin: path },
      },
    );
  }
  return parsePollerConfig(raw, path);
}

/**
 * Credentials are read from the environment; a missing one is found at start-up rather than at
 * the first task, where it would dead-letter every task of the source as unauthorized.
 */
function assertSecretsPresent(config: PollerConfig, origin: string, env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  for (const [name, source] of Object.entries(config.sources)) {
    const connector = source.connector;
    const needed =
      connector.kind === 'http'
        ? connector.auth.kind === 'bearer'
          ? [['auth.tokenEnv', connector.auth.tokenEnv]]
          : connector.auth.kind === 'api-key'
            ? [['auth.keyEnv', connector.auth.keyEnv]]
            : []
        : connector.connectionEnv
          ? [['connectionEnv', connector.connectionEnv]]
          : [];
    for (const [option, variable] of needed) {
      if (!env[variable!])
        problems.push(
          `sources.${name}.connector.${option}: environment variable ${variable} is not set`,
        );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration in ${origin}:\n  - ${problems.join('\n  - ')}`, {
      context: { origin, problems: problems.length },
    });
  }
}
