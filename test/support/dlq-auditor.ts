import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { Client } from 'pg';
import {
  subjectKey,
  type DeadLetterRecord,
  type QuarantineRecord,
  type RoutedTask,
  type TopicLayout,
} from '@dsr/shared';
import {
  DlqAuditor,
  digestOf,
  parseCredentials,
  parseKeyring,
  PRIVACY_POLICY_DEFAULTS,
  serviceDatabaseUrl,
  type AuditorOptions,
  type Role,
} from '@dsr/dlq-auditor';
import {
  isolatedDatabase,
  isolatedTopics,
  testEndpoints,
  testLogger,
  uniqueName,
} from './environment';
import { TEST_SOURCE_SYSTEMS, TEST_SUBJECT_KEY_SECRET } from './pipeline-fixtures';
import { produceEncoded } from './topic-records';
import { waitFor } from './wait-for';

/** A base64 AES-256 master key. */
export function masterKey(): string {
  return randomBytes(32).toString('base64');
}

/** A running auditor on an isolated database and topic layout, with one token per role. */
export interface AuditorHarness {
  auditor: DlqAuditor;
  layout: TopicLayout;
  /** The schema owner's URL (superuser on the test server). */
  ownerUrl: string;
  /** The service role's URL. */
  serviceUrl: string;
  role: string;
  tokens: Record<Role, string>;
  baseUrl: string;
  options: AuditorOptions;
  /** Calls the API as a role (or with no credential when `as` is null). */
  api(as: Role | null, method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Runs SQL as the schema owner. */
  ownerQuery<R extends object = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

export interface HarnessOverrides {
  layout?: TopicLayout;
  ownerUrl?: string;
  role?: string;
  masterKeys?: string;
  options?: Partial<AuditorOptions>;
}

/**
 * Starts a DlqAuditor in-process against the real broker, registry and PostgreSQL, on a fresh
 * database and topics, listening on an ephemeral port; closes it and drops its (cluster-wide)
 * role when the test ends.
 */
export async function startAuditor(
  t: TestContext,
  overrides: HarnessOverrides = {},
): Promise<AuditorHarness> {
  const layout = overrides.layout ?? (await isolatedTopics(t, { partitions: 2 }));
  const ownerUrl = overrides.ownerUrl ?? (await isolatedDatabase(t));
  const role = overrides.role ?? uniqueName('dsr_aud').replace(/-/g, '_').toLowerCase();
  const tokens = Object.fromEntries(
    (['viewer', 'operator', 'privacy_officer', 'auditor'] as Role[]).map((r) => [
      r,
      randomBytes(24).toString('hex'),
    ]),
  ) as Record<Role, string>;
  const credentials = parseCredentials(
    Object.entries(tokens)
      .map(([r, token]) => `${r}-person:${r}:${digestOf(token)}`)
      .join(','),
  );
  const serviceUrl = serviceDatabaseUrl(ownerUrl, { role });
  const endpoints = { ...testEndpoints(), databaseUrl: ownerUrl };

  const options: AuditorOptions = {
    endpoints,
    layout,
    serviceRole: { role },
    serviceDatabaseUrl: serviceUrl,
    keyring: parseKeyring(overrides.masterKeys ?? `k1:${masterKey()}`),
    subjectKeySecret: TEST_SUBJECT_KEY_SECRET,
    credentials,
    api: { host: '127.0.0.1', port: 0 },
    groupId: uniqueName('auditor'),
    retentionMs: 730 * 86_400_000,
    retentionIntervalMs: 3_600_000,
    chainHeadIntervalMs: 3_600_000,
    privacy: { ...PRIVACY_POLICY_DEFAULTS, sourceSystems: TEST_SOURCE_SYSTEMS },
    logger: testLogger('dlq-auditor'),
    ...overrides.options,
  };
  const auditor = new DlqAuditor(options);
  t.after(async () => {
    await auditor.close();
    await dropRole(ownerUrl, role);
  });
  await auditor.start();

  const baseUrl = `http://127.0.0.1:${auditor.port}`;
  return {
    auditor,
    layout,
    ownerUrl,
    serviceUrl,
    role,
    tokens,
    baseUrl,
    options,
    api: (as, method, path, body) => callApi(baseUrl, as ? tokens[as] : null, method, path, body),
    ownerQuery: (sql, params) => queryAs(ownerUrl, sql, params),
  };
}

/** One HTTP call to the API with a bearer token (or none). */
export async function callApi(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Runs one statement on a fresh connection and returns its rows. */
export async function queryAs<R extends object = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Drops a test's service role: its grants in the test database first, or, when that database is
 * already gone, the role alone through the maintenance database.
 */
export async function dropRole(ownerUrl: string, role: string): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect().catch(() => undefined);
  try {
    await client.query(`DROP OWNED BY "${role}"`);
    await client.query(`DROP ROLE IF EXISTS "${role}"`);
  } catch {
    // The database may already be gone; the role is then dropped through the maintenance db.
    const maintenance = new URL(ownerUrl);
    maintenance.pathname = '/postgres';
    await queryAs(maintenance.toString(), `DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A routed task as it would be dead-lettered, with overrides. */
export function routedTask(overrides: Partial<RoutedTask> = {}): RoutedTask {
  const email = overrides.subject_email ?? `${uniqueName('subject')}@example.test`;
  const now = Date.now();
  return {
    request_id: uniqueName('req'),
    subject_email: email,
    action: 'deletion',
    source_system: 'crm',
    priority: 5,
    jurisdiction: 'GDPR',
    received_at: now - 60_000,
    deadline: now + 30 * 86_400_000,
    deadline_derived: true,
    deadline_passed: false,
    changes: null,
    trace_id: uniqueName('trace'),
    subject_key: subjectKey(email, TEST_SUBJECT_KEY_SECRET),
    validated_at: now - 59_000,
    lane: 'high',
    routed_at: now - 58_000,
    attempt: 4,
    first_failure_at: now - 50_000,
    last_error_code: 'SOURCE_REJECTED',
    last_error_category: 'permanent',
    origin: { topic: 'dsr.intake', partition: 0, offset: '12' },
    poll: null,
    not_before: null,
    deferrals: 1,
    replays: 0,
    ...overrides,
  };
}

/** A dead letter of a task, with overrides. The error message names the subject, as sources do. */
export function deadLetter(
  task: RoutedTask = routedTask(),
  overrides: Partial<DeadLetterRecord> = {},
): DeadLetterRecord {
  return {
    dead_letter_id: uniqueName('dl'),
    dead_lettered_at: Date.now(),
    request_id: task.request_id,
    subject_key: task.subject_key,
    task,
    action: task.action,
    source_system: task.source_system,
    lane: task.lane ?? 'standard',
    error_code: 'SOURCE_REJECTED',
    error_category: 'permanent',
    error_message: `crm refused the deletion of ${task.subject_email}`,
    attempts: task.attempt,
    first_failure_at: task.first_failure_at,
    breaker_refusal: false,
    origin: task.origin,
    ...overrides,
  };
}

/** A quarantine record of some raw intake bytes. */
export function quarantineRecord(
  original: Buffer,
  overrides: Partial<QuarantineRecord> = {},
): QuarantineRecord {
  return {
    quarantine_id: uniqueName('q'),
    quarantined_at: Date.now(),
    topic: 'dsr.intake',
    partition: 0,
    offset: '3',
    key: null,
    original,
    reason_codes: ['VALIDATION_FAILED'],
    detail: 'subject_email: not an email address',
    request_id: null,
    schema_id: null,
    ...overrides,
  };
}

/** Writes dead letters to the layout's dead-letter topic with the real serde. */
export async function produceDeadLetters(
  layout: TopicLayout,
  records: readonly DeadLetterRecord[],
): Promise<void> {
  await produceEncoded(
    layout,
    layout.topics.dlq,
    records.map((value) => ({ key: value.request_id, value })),
  );
}

/** Waits until the store holds `count` records. */
export async function waitForStored(harness: AuditorHarness, count: number): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await harness.ownerQuery<{ n: number }>(
        'SELECT count(*)::int AS n FROM auditor.audit_record',
      );
      return (row?.n ?? 0) >= count;
    },
    { description: `${count} records stored`, timeoutMs: 60_000 },
  );
}
