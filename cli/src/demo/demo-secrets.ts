import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@dsr/shared';

/** The secrets the demo's services need; made once and kept, so stored records stay readable. */
export interface DemoSecrets {
  subjectKeySecret: string;
  /** `id:base64 key` entries for the auditor's envelope encryption. */
  masterKeys: string;
  /** API keys of the auditor's roles, for the `dsr` command. */
  tokens: { operator: string; auditor: string; viewer: string; privacy_officer: string };
}

const secretsSchema = z.object({
  subjectKeySecret: z.string().min(32),
  masterKeys: z.string().min(1),
  tokens: z.object({
    operator: z.string().min(16),
    auditor: z.string().min(16),
    viewer: z.string().min(16),
    privacy_officer: z.string().min(16),
  }),
});

/**
 * Reads the demo's secrets, or makes and writes them (readable by the owner only) on the first
 * run. A fresh master key on every run would leave the previous runs' dead letters unreadable.
 */
export function loadDemoSecrets(path: string): DemoSecrets {
  if (existsSync(path))
    return parseConfig(secretsSchema, JSON.parse(readFileSync(path, 'utf8')), path);

  const token = () => randomBytes(24).toString('hex');
  const secrets: DemoSecrets = {
    subjectKeySecret: randomBytes(32).toString('hex'),
    masterKeys: `demo-k1:${randomBytes(32).toString('base64')}`,
    tokens: { operator: token(), auditor: token(), viewer: token(), privacy_officer: token() },
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** DSR_AUDITOR_CREDENTIALS: each role's principal with the SHA-256 of its key. */
export function auditorCredentials(secrets: DemoSecrets): string {
  return Object.entries(secrets.tokens)
    .map(([role, token]) => `demo-${role.replace('_', '-')}:${role}:${sha256(token)}`)
    .join(',');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
