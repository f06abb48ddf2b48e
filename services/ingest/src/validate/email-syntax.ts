/** RFC 5321 § 4.5.3.1: the longest address a mail system must accept, characters. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 § 4.5.3.1: the longest local part, characters. */
export const MAX_LOCAL_PART_LENGTH = 64;

// RFC 5322 atext plus RFC 6531 non-ASCII letters; quoted local parts are not accepted, since no
// subject identifies through one and they are a common vector for injection into source queries.
const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * Whether an address is one mail can be delivered to: a dot-atom local part, an `@`, and a
 * domain of at least two labels ending in an alphabetic (or IDNA) top-level label. Surrounding
 * whitespace is the caller's to trim; inner whitespace is refused.
 */
export function isValidEmail(address: string): boolean {
  if (address.length === 0 || address.length > MAX_EMAIL_LENGTH) return false;

  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;

  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH) return false;
  if (!local.split('.').every((atom) => LOCAL_ATOM.test(atom))) return false;

  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;

  return TOP_LEVEL.test(labels[labels.length - 1]!);
}
