import type { PartnerRole, WorkspaceRole } from './context.ts';

/** What staff roles and API keys may do in a workspace. Routes declare one of these. */
export const PERMISSIONS = [
  'workspace:read',
  'workspace:manage',
  'members:read',
  'members:manage',
  'programs:read',
  'programs:write',
  'partners:read',
  'partners:write',
  'partner_users:manage',
  'audit:read',
  'api_keys:manage',
  'mail_outbox:read',
  'accounts:read',
  'accounts:write',
  'registrations:read',
  'registrations:review',
  'registrations:configure',
  'deals:read',
  'deals:write',
  'sharing:manage',
  'metrics:read',
  'links:read',
  'links:write',
  'conversions:read',
  'conversions:attribute',
  'billing:configure',
  'commissions:read',
  'commissions:configure',
  'commissions:review',
  'payouts:read',
  'payouts:manage',
  'payouts:approve',
  'tax:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ONLY: Permission[] = [
  'workspace:read',
  'members:read',
  'programs:read',
  'partners:read',
  'accounts:read',
  'registrations:read',
  'deals:read',
  'metrics:read',
  'links:read',
  'conversions:read',
  'commissions:read',
  'payouts:read',
];

export const ROLE_PERMISSIONS: Record<WorkspaceRole, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  partner_manager: new Set<Permission>([
    ...READ_ONLY,
    'programs:write',
    'partners:write',
    'partner_users:manage',
    'accounts:write',
    'registrations:review',
    'registrations:configure',
    'deals:write',
    'links:write',
    'conversions:attribute',
    'commissions:configure',
  ]),
  sales: new Set<Permission>([...READ_ONLY, 'accounts:write', 'deals:write']),
  finance: new Set<Permission>([
    ...READ_ONLY,
    'conversions:attribute',
    'commissions:configure',
    'commissions:review',
    'payouts:manage',
    'payouts:approve',
    'tax:read',
  ]),
  marketing: new Set<Permission>([...READ_ONLY, 'links:write']),
  analyst: new Set<Permission>([...READ_ONLY, 'audit:read']),
};

export function roleCan(role: WorkspaceRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** What partner users may do in the portal. */
export const PARTNER_PERMISSIONS = [
  'portal:read',
  'portal:team:manage',
  'portal:registrations',
  'portal:pipeline',
  'portal:links',
  'portal:earnings',
  'portal:tax',
] as const;
export type PartnerPermission = (typeof PARTNER_PERMISSIONS)[number];

export const PARTNER_ROLE_PERMISSIONS: Record<PartnerRole, ReadonlySet<PartnerPermission>> = {
  admin: new Set(PARTNER_PERMISSIONS),
  seller: new Set<PartnerPermission>(['portal:read', 'portal:registrations', 'portal:pipeline', 'portal:links']),
  finance: new Set<PartnerPermission>(['portal:read', 'portal:pipeline', 'portal:earnings', 'portal:tax']),
  technical: new Set<PartnerPermission>(['portal:read']),
};

/** Only owners may make owners; nobody can grant a role above their own. */
export function canGrantRole(granter: WorkspaceRole, role: WorkspaceRole): boolean {
  if (role === 'owner') return granter === 'owner';
  return granter === 'owner' || granter === 'admin';
}

/** Who may call a route. Declared on every route; the route table test snapshots it. */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed_in' }
  | { kind: 'workspace'; permission: Permission }
  | { kind: 'partner'; permission: PartnerPermission };

export function describeAccess(access: Access): string {
  switch (access.kind) {
    case 'public':
      return 'public';
    case 'signed_in':
      return 'signed-in user';
    case 'workspace':
      return access.permission;
    case 'partner':
      return access.permission;
  }
}
