import { createHash } from 'node:crypto';
import { ConfigError } from '@dsr/shared';
import { ROLES, type Role } from './roles';

/** Who a request comes from, once authenticated. */
export interface Principal {
  id: string;
  role: Role;
}

/**
 * The accepted API keys and bearer tokens. Only their SHA-256 digests are configured, so the
 * configuration (and a leak of it) never holds a usable secret.
 */
export class CredentialStore {
  private readonly byDigest: ReadonlyMap<string, Principal>;

  constructor(entries: readonly (Principal & { sha256: string })[]) {
    this.byDigest = new Map(
      entries.map((e) => [e.sha256.toLowerCase(), { id: e.id, role: e.role }]),
    );
  }

  /** The principal a presented secret belongs to, or undefined. */
  authenticate(secret: string): Principal | undefined {
    return this.byDigest.get(digestOf(secret));
  }
}

/** The hex SHA-256 of a secret, as it is written in DSR_AUDITOR_CREDENTIALS. */
export function digestOf(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const ENTRY = /^([A-Za-z0-9._@-]{1,64}):([a-z_]+):([0-9a-fA-F]{64})$/;

/**
 * Parses `principal:role:sha256hex,...` (DSR_AUDITOR_CREDENTIALS). A principal names a person or
 * a system; the digest is of the API key or bearer token it presents.
 */
export function parseCredentials(spec: string): CredentialStore {
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const match = ENTRY.exec(entry);
      if (!match || !ROLES.includes(match[2] as Role)) {
        throw new ConfigError(
          `credential ${index + 1} must read "<principal>:<role>:<sha256 hex>" with role one of ` +
            ROLES.join(', '),
          { context: { option: 'DSR_AUDITOR_CREDENTIALS', entry: index + 1 } },
        );
      }
      return { id: match[1]!, role: match[2] as Role, sha256: match[3]! };
    });
  return new CredentialStore(entries);
}
