import type { IncomingHttpHeaders } from 'node:http';
import type { AuthKnob } from '../config/knobs';

/** What a request's credentials amount to. */
export type CredentialCheck = 'valid' | 'missing' | 'invalid';

/** Why a 401 is answered: no credentials, wrong ones, or right ones that were revoked. */
export type AuthProblem = 'missing' | 'invalid' | 'revoked';

const BEARER = 'bearer ';

/** Checks a request's credentials against a source's `auth` knob. */
export function checkCredentials(auth: AuthKnob, headers: IncomingHttpHeaders): CredentialCheck {
  if (auth.kind === 'none') return 'valid';
  if (auth.kind === 'api-key') {
    const key = headers[auth.header];
    if (key === undefined) return 'missing';
    return key === auth.key ? 'valid' : 'invalid';
  }

  const header = headers.authorization;
  if (header === undefined) return 'missing';
  const valid =
    header.length === auth.token.length + BEARER.length &&
    header.slice(0, BEARER.length).toLowerCase() === BEARER &&
    header.endsWith(auth.token);
  return valid ? 'valid' : 'invalid';
}

/**
 * The WWW-Authenticate challenge of a 401, in the manner of RFC 6750 section 3: no error code
 * when credentials were missing, `invalid_token` when they were wrong or revoked, with a
 * description naming the revocation so clients can tell it apart.
 */
export function authChallenge(auth: AuthKnob, realm: string, problem: AuthProblem): string {
  const scheme = auth.kind === 'api-key' ? 'ApiKey' : 'Bearer';
  const base = `${scheme} realm="${realm}"`;
  if (problem === 'missing') return base;
  if (problem === 'invalid') return `${base}, error="invalid_token"`;
  return `${base}, error="invalid_token", error_description="the credentials were revoked"`;
}
