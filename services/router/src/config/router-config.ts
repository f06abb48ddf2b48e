import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig } from '@dsr/shared';
import { z } from 'zod';

const DAY_MS = 86_400_000;

/** The router configuration file (ROUTER_CONFIG_FILE), after defaults. */
export const routerConfigSchema = z
  .strictObject({
    consumerGroup: z.string().min(1).default('dsr-router'),
    /** A task whose priority is at least this goes to the high lane. */
    highPriorityThreshold: z.number().int().min(1).max(10).default(8),
    /** A task whose deadline is at most this far away (or past) goes to the high lane, ms. */
    deadlineWindowMs: z
      .number()
      .int()
      .min(0)
      .default(7 * DAY_MS),
    /**
     * Whether a deletion waits for access tasks of the same subject and source system that were
     * routed before it and have no outcome yet.
     */
    holdDeletionsBehindAccess: z.boolean().default(true),
    /** The longest a deletion is held for an access that reports no outcome, ms. */
    maxHoldMs: z
      .number()
      .int()
      .positive()
      .default(7 * DAY_MS),
    /** A held deletion is released anyway once its own deadline is this close, ms. */
    deadlineGuardMs: z
      .number()
      .int()
      .min(0)
      .default(3 * DAY_MS),
    /** How often expired holds are looked for, as audit records flow, ms. */
    holdCheckIntervalMs: z.number().int().positive().default(60_000),
    /** Input records committed together in one Kafka transaction. */
    maxRecordsPerTransaction: z.number().int().positive().default(100),
    /** Consumer session timeout: how long a dead instance keeps its partitions, ms. */
    sessionTimeoutMs: z.number().int().min(6_000).default(30_000),
    /** Consumer heartbeat interval, ms; at most a third of the session timeout. */
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
  })
  .refine((config) => config.heartbeatIntervalMs * 3 <= config.sessionTimeoutMs, {
    path: ['heartbeatIntervalMs'],
    message: 'must be at most a third of sessionTimeoutMs',
  });

/** The validated router configuration. */
export type RouterConfig = z.infer<typeof routerConfigSchema>;

/**
 * Reads the configuration from ROUTER_CONFIG_FILE (JSON) when set; every option has a default,
 * so without a file the router runs with them.
 */
export function routerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const file = env.ROUTER_CONFIG_FILE;
  if (!file) return parseConfig(routerConfigSchema, {}, 'defaults');

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`ROUTER_CONFIG_FILE ${file} is not readable JSON`, {
      cause,
      context: { option: 'ROUTER_CONFIG_FILE', file },
    });
  }
  return parseConfig(routerConfigSchema, raw, file);
}
