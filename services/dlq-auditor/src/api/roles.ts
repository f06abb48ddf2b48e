/** The roles of the triage API. */
export type Role = 'viewer' | 'operator' | 'privacy_officer' | 'auditor';

/** Every role, in order of the data they may see. */
export const ROLES: readonly Role[] = Object.freeze([
  'viewer',
  'operator',
  'privacy_officer',
  'auditor',
]);

/** What a request may need to be allowed. */
export type Permission =
  | 'records:list'
  | 'records:read'
  | 'records:personal'
  | 'records:note'
  | 'records:replay'
  | 'records:resolve'
  | 'subjects:lookup'
  | 'chain:verify'
  | 'access-log:read'
  | 'reports:private'
  | 'reports:exact'
  | 'retention:run';

const READ: readonly Permission[] = ['records:list', 'records:read'];

/**
 * Each role's permissions, spelled out rather than inherited, so that granting one role more
 * never widens another. Personal data is for the privacy officer alone; the operator replays a
 * task without seeing it; exact regulatory figures are the auditor's.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  viewer: new Set<Permission>([...READ, 'reports:private']),
  operator: new Set<Permission>([
    ...READ,
    'records:note',
    'records:replay',
    'records:resolve',
    'reports:private',
  ]),
  privacy_officer: new Set<Permission>([
    ...READ,
    'records:personal',
    'subjects:lookup',
    'retention:run',
  ]),
  auditor: new Set<Permission>([
    ...READ,
    'chain:verify',
    'access-log:read',
    'reports:exact',
    'reports:private',
  ]),
});

/** Whether a role holds a permission. */
export function allows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
