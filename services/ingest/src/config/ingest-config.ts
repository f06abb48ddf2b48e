import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '@dsr/shared';
import { z } from 'zod';

/** How a jurisdiction's statutory deadline is counted from the day a request was received. */
const deadlineRuleSchema = z
  .strictObject({
    /** Calendar months, counted as Regulation (EEC, Euratom) No 1182/71 counts them. */
    months: z.number().int().positive().optional(),
    /** Calendar days. */
    days: z.number().int().positive().optional(),
  })
  .refine((rule) => (rule.months === undefined) !== (rule.days === undefined), {
    message: 'give exactly one of months or days',
  });

/** One jurisdiction's deadline: calendar months or days after receipt. */
export type DeadlineRule = z.infer<typeof deadlineRuleSchema>;

/** GDPR Art. 12(3): one month; CCPA (Cal. Civ. Code § 1798.130(a)(2)): 45 days. */
export const DEFAULT_JURISDICTIONS: Readonly<Record<string, DeadlineRule>> = Object.freeze({
  GDPR: { months: 1 },
  CCPA: { days: 45 },
});

/** The ingest configuration file (INGEST_CONFIG_FILE), after defaults. */
export const ingestConfigSchema = z
  .strictObject({
    consumerGroup: z.string().min(1).default('dsr-ingest'),
    /** Source systems a task may name; anything else is quarantined. */
    sourceSystems: z.array(z.string().min(1)).min(1, 'must configure at least one source system'),
    /** Deadline rules by upper-case jurisdiction name. */
    jurisdictions: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), deadlineRuleSchema).default({
      ...DEFAULT_JURISDICTIONS,
    }),
    /** The jurisdiction of a task that names none. */
    defaultJurisdiction: z.string().min(1).default('GDPR'),
    /** Intake values longer than this are quarantined undecoded, bytes. */
    maxValueBytes: z.number().int().positive().default(65_536),
    /** How far in the future received_at may lie (producer clock skew), milliseconds. */
    clockSkewMs: z.number().int().min(0).default(300_000),
    /** How long an accepted request id is remembered for duplicate detection, days. */
    dedupRetentionDays: z.number().int().positive().default(400),
    /** Input records committed together in one Kafka transaction. */
    maxRecordsPerTransaction: z.number().int().positive().default(100),
    /** Consumer session timeout: how long a dead instance keeps its partitions, ms. */
    sessionTimeoutMs: z.number().int().min(6_000).default(30_000),
    /** Consumer heartbeat interval, ms; at most a third of the session timeout. */
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
  })
  .superRefine((config, ctx) => {
    if (config.heartbeatIntervalMs * 3 > config.sessionTimeoutMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['heartbeatIntervalMs'],
        message: 'must be at most a third of sessionTimeoutMs',
      });
    }
    const known = Object.keys(config.jurisdictions);
    if (!(config.defaultJurisdiction in config.jurisdictions)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultJurisdiction'],
        message: `must be one of the configured jurisdictions (${known.join(', ')})`,
      });
    }
  });

/** The validated ingest configuration. */
export type IngestConfig = z.infer<typeof ingestConfigSchema>;

/**
 * Reads the configuration: INGEST_CONFIG_FILE (JSON) when set, with DSR_SOURCE_SYSTEMS (a
 * comma-separated list) taking precedence over the file's source systems.
 */
export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const file = env.INGEST_CONFIG_FILE;
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`INGEST_CONFIG_FILE ${file} is not readable JSON`, {
        cause,
        context: { option: 'INGEST_CONFIG_FILE', file },
      });
    }
  }

  const sources = env.DSR_SOURCE_SYSTEMS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (sources && sources.length > 0) raw = { ...raw, sourceSystems: sources };
  return parseConfig(ingestConfigSchema, raw, file ?? 'environment (DSR_SOURCE_SYSTEMS)');
}
