import { z } from 'zod';
import {
  parseConfig,
  resolveEndpoints,
  subjectKeySecretFromEnv,
  topicLayoutFromEnv,
  type Endpoints,
  type TopicLayout,
} from '@dsr/shared';
import { parseCredentials, type CredentialStore } from './api/credentials';
import { parseKeyring, type Keyring } from './crypto/keyring';
import { PRIVACY_POLICY_DEFAULTS, type PrivacyPolicy } from './privacy/private-report';
import { serviceDatabaseUrl, type ServiceRoleOptions } from './database/service-role';

const DAY_MS = 86_400_000;

/** Everything the auditor process needs, validated once at start-up. */
export interface AuditorConfig {
  /** Broker, registry, and the database URL of the schema owner (used for migrations only). */
  endpoints: Endpoints;
  layout: TopicLayout;
  serviceRole: ServiceRoleOptions;
  /** Where the service itself connects, as the service role. */
  serviceDatabaseUrl: string;
  keyring: Keyring;
  subjectKeySecret: string;
  credentials: CredentialStore;
  api: { host: string; port: number };
  groupId: string;
  /** Personal data is destroyed this long after a record's event; default 730 days. */
  retentionMs: number;
  /** Time between retention runs; default 1 h. */
  retentionIntervalMs: number;
  /** Time between chain-head publications; default 60 s. */
  chainHeadIntervalMs: number;
  privacy: PrivacyPolicy;
}

/** Defaults of the auditor's settings; see README.md for the reasoning. */
export const AUDITOR_DEFAULTS = Object.freeze({
  role: 'dsr_auditor',
  host: '127.0.0.1',
  port: 8085,
  groupId: 'dsr-dlq-auditor',
  retentionDays: 730,
  retentionIntervalMs: 3_600_000,
  chainHeadIntervalMs: 60_000,
});

const intText = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const decimalText = z.string().regex(/^\d+(\.\d+)?$/, 'must be a plain decimal');

const envSchema = z.object({
  DSR_AUDITOR_DB_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default(AUDITOR_DEFAULTS.role),
  DSR_AUDITOR_DB_PASSWORD: z.string().optional(),
  DSR_AUDITOR_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  DSR_AUDITOR_MASTER_KEYS: z.string().min(1, 'is required: "<id>:<base64 32-byte key>,..."'),
  DSR_AUDITOR_ACTIVE_KEY_ID: z.string().optional(),
  DSR_AUDITOR_CREDENTIALS: z.string().min(1, 'is required: "<principal>:<role>:<sha256 hex>,..."'),
  DSR_AUDITOR_HOST: z.string().default(AUDITOR_DEFAULTS.host),
  DSR_AUDITOR_PORT: intText(AUDITOR_DEFAULTS.port),
  DSR_AUDITOR_GROUP_ID: z.string().min(1).default(AUDITOR_DEFAULTS.groupId),
  DSR_AUDITOR_RETENTION_DAYS: intText(AUDITOR_DEFAULTS.retentionDays),
  DSR_AUDITOR_RETENTION_INTERVAL_MS: intText(AUDITOR_DEFAULTS.retentionIntervalMs),
  DSR_AUDITOR_CHAIN_HEAD_INTERVAL_MS: intText(AUDITOR_DEFAULTS.chainHeadIntervalMs),
  DSR_AUDITOR_REPORT_EPSILON: decimalText.default(PRIVACY_POLICY_DEFAULTS.defaultEpsilon),
  DSR_AUDITOR_REPORT_MAX_EPSILON: decimalText.default(PRIVACY_POLICY_DEFAULTS.maxEpsilonPerReport),
  DSR_AUDITOR_MONTHLY_BUDGET: decimalText.default(PRIVACY_POLICY_DEFAULTS.budgetPerPeriod),
  DSR_AUDITOR_CONTRIBUTION_CAP: z.coerce
    .number()
    .int()
    .min(1)
    .default(PRIVACY_POLICY_DEFAULTS.contributionCap),
  DSR_AUDITOR_SOURCE_SYSTEMS: z.string().default(''),
});

/** Reads and validates the auditor's configuration from the environment. */
export function auditorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuditorConfig {
  const raw = parseConfig(envSchema, env, 'environment');
  const endpoints = resolveEndpoints(env);
  const serviceRole = { role: raw.DSR_AUDITOR_DB_ROLE, password: raw.DSR_AUDITOR_DB_PASSWORD };

  return {
    endpoints,
    layout: topicLayoutFromEnv(env),
    serviceRole,
    serviceDatabaseUrl:
      raw.DSR_AUDITOR_DATABASE_URL ?? serviceDatabaseUrl(endpoints.databaseUrl, serviceRole),
    keyring: parseKeyring(raw.DSR_AUDITOR_MASTER_KEYS, raw.DSR_AUDITOR_ACTIVE_KEY_ID),
    subjectKeySecret: subjectKeySecretFromEnv(env),
    credentials: parseCredentials(raw.DSR_AUDITOR_CREDENTIALS),
    api: { host: raw.DSR_AUDITOR_HOST, port: raw.DSR_AUDITOR_PORT },
    groupId: raw.DSR_AUDITOR_GROUP_ID,
    retentionMs: raw.DSR_AUDITOR_RETENTION_DAYS * DAY_MS,
    retentionIntervalMs: raw.DSR_AUDITOR_RETENTION_INTERVAL_MS,
    chainHeadIntervalMs: raw.DSR_AUDITOR_CHAIN_HEAD_INTERVAL_MS,
    privacy: {
      ...PRIVACY_POLICY_DEFAULTS,
      defaultEpsilon: raw.DSR_AUDITOR_REPORT_EPSILON,
      maxEpsilonPerReport: raw.DSR_AUDITOR_REPORT_MAX_EPSILON,
      budgetPerPeriod: raw.DSR_AUDITOR_MONTHLY_BUDGET,
      contributionCap: raw.DSR_AUDITOR_CONTRIBUTION_CAP,
      sourceSystems: raw.DSR_AUDITOR_SOURCE_SYSTEMS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
  };
}
