import { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const identifier = z
  .string()
  .regex(IDENTIFIER, 'must be a plain SQL identifier (letters, digits, _)');
const qualifiedName = z
  .string()
  .regex(
    /^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$/,
    'must be "table" or "schema.table"',
  );
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name');
const jsonPath = z
  .string()
  .regex(
    /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+|\[\d+\])*$/,
    'must be a dotted path like "job.id" or "items[0].id"',
  );

/** One HTTP request, with `{placeholders}` in the path and `{{placeholders}}` in the body. */
export const requestTemplateSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/', 'must start with "/"'),
  body: z.unknown().optional(),
  /** The answer is a job to poll rather than the outcome itself. */
  async: z.boolean().default(false),
  /** Where an access result sits in a synchronous answer; the whole body when absent. */
  resultPath: jsonPath.optional(),
});

const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('bearer'), tokenEnv: envName }),
  z.strictObject({
    kind: z.literal('api-key'),
    header: z.string().min(1).default('x-api-key'),
    keyEnv: envName,
  }),
]);

const jobSchema = z.strictObject({
  /** Where the job id sits in the submit's answer. */
  idPath: jsonPath,
  /** The request that reads a job's status; `{job_id}` is available in its path. */
  status: requestTemplateSchema,
  statusPath: jsonPath,
  doneValues: z.array(z.string()).min(1),
  failedValues: z.array(z.string()).min(1),
  /** Where an access result sits in the final status answer. */
  resultPath: jsonPath.optional(),
  /** A separate request that fetches the result, when the status answer does not carry it. */
  result: requestTemplateSchema.optional(),
});

const pollingSchema = z.strictObject({
  initialDelayMs: z.number().int().positive().default(1_000),
  maxDelayMs: z.number().int().positive().default(300_000),
  multiplier: z.number().min(1).default(2),
  jitterRatio: z.number().min(0).max(1).default(0.2),
});

/** An HTTP (SaaS) source system. */
export const httpConnectorSchema = z
  .strictObject({
    kind: z.literal('http'),
    baseUrl: z.url(),
    auth: authSchema.default({ kind: 'none' }),
    timeoutMs: z.number().int().positive().default(10_000),
    notFoundIsPermanent: z.boolean().default(false),
    idempotencyHeader: z.string().min(1).default('Idempotency-Key'),
    actions: z.strictObject({
      access: requestTemplateSchema.optional(),
      deletion: requestTemplateSchema.optional(),
      rectification: requestTemplateSchema.optional(),
    }),
    job: jobSchema.optional(),
    polling: pollingSchema.default({
      initialDelayMs: 1_000,
      maxDelayMs: 300_000,
      multiplier: 2,
      jitterRatio: 0.2,
    }),
  })
  .superRefine((config, ctx) => {
    for (const [action, template] of Object.entries(config.actions)) {
      if (template?.async && !config.job) {
        ctx.addIssue({
          code: 'custom',
          path: ['actions', action, 'async'],
          message: 'an async action needs "job" (how to read the job id and poll its status)',
        });
      }
    }
    if (config.polling.maxDelayMs < config.polling.initialDelayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['polling', 'maxDelayMs'],
        message: 'must be at least initialDelayMs',
      });
    }
  });

const deletionSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('delete') }),
  z.strictObject({
    mode: z.literal('mask'),
    /** Column → the value written over it (null clears it). */
    set: z
      .record(identifier, z.string().nullable())
      .refine((s) => Object.keys(s).length > 0, 'must name at least one column'),
  }),
]);

/** How one table holds a subject's rows. */
export const tableSchema = z.strictObject({
  table: qualifiedName,
  subjectColumn: identifier,
  /** What the subject column holds: the email itself or the subject key (HMAC). */
  subjectValue: z.enum(['subject_email', 'subject_key']).default('subject_email'),
  /** Columns an access task exports; every column when absent. */
  columns: z.array(identifier).min(1).optional(),
  deletion: deletionSchema.default({ mode: 'delete' }),
  /** Columns a rectification may change. */
  rectifiable: z.array(identifier).default([]),
});

/** A PostgreSQL (relational) source system. */
export const postgresConnectorSchema = z
  .strictObject({
    kind: z.literal('postgres'),
    connectionEnv: envName.optional(),
    connectionString: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    pool: z
      .strictObject({
        max: z.number().int().positive().default(4),
        idleTimeoutMs: z.number().int().positive().default(30_000),
        connectionTimeoutMs: z.number().int().positive().default(5_000),
        statementTimeoutMs: z.number().int().positive().default(30_000),
      })
      .default({
        max: 4,
        idleTimeoutMs: 30_000,
        connectionTimeoutMs: 5_000,
        statementTimeoutMs: 30_000,
      }),
    tables: z.array(tableSchema).min(1),
  })
  .superRefine((config, ctx) => {
    if ((config.connectionEnv === undefined) === (config.connectionString === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectionEnv'],
        message: 'set exactly one of connectionEnv and connectionString',
      });
    }
  });

/** A source system's connector: `http` or `postgres`. */
export const connectorSchema = z.discriminatedUnion('kind', [
  httpConnectorSchema,
  postgresConnectorSchema,
]);

/** Validated settings, as the schemas above produce them (defaults filled in). */
export type RequestTemplate = z.infer<typeof requestTemplateSchema>;
export type HttpConnectorConfig = z.infer<typeof httpConnectorSchema>;
export type PostgresConnectorConfig = z.infer<typeof postgresConnectorSchema>;
export type TableConfig = z.infer<typeof tableSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
