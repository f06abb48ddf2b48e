import { createHmac } from 'node:crypto';
import { ConfigError } from '../errors';

/** The shortest subject-key secret accepted: 32 bytes of UTF-8, the HMAC-SHA256 block half. */
export const MIN_SUBJECT_KEY_SECRET_BYTES = 32;

/**
 * The form of an email address two tasks must share to concern the same subject: Unicode NFC,
 * surrounding whitespace removed, lower case. Lower-casing the local part is not what RFC 5321
 * promises, but every mail system the pipeline meets treats it so, and a subject whose tasks split
 * over two keys would lose their ordering.
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * The keyed hash that stands for a subject in record keys, headers, logs and audit events:
 * HMAC-SHA256 (hex) of the normalised email. Without the secret it cannot be reversed by
 * hashing candidate addresses.
 */
export function subjectKey(email: string, secret: string): string {
  return createHmac('sha256', secret).update(normaliseEmail(email), 'utf8').digest('hex');
}

/** Reads and checks DSR_SUBJECT_KEY_SECRET; a missing or short secret stops the process. */
export function subjectKeySecretFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const secret = env.DSR_SUBJECT_KEY_SECRET ?? '';
  if (Buffer.byteLength(secret, 'utf8') < MIN_SUBJECT_KEY_SECRET_BYTES) {
    throw new ConfigError(
      `DSR_SUBJECT_KEY_SECRET must be set to at least ${MIN_SUBJECT_KEY_SECRET_BYTES} bytes ` +
        '(e.g. 64 hex characters from "openssl rand -hex 32")',
      { context: { option: 'DSR_SUBJECT_KEY_SECRET' } },
    );
  }
  return secret;
}
