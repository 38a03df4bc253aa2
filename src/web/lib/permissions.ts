import { getRouteApi } from '@tanstack/react-router';

/**
 * What each staff role may do, used only to hide navigation and buttons a role cannot use.
 * The server enforces access on every route (src/server/platform/permissions.ts is the source
 * of truth); if /me starts returning each workspace's permissions, use those instead.
 */
export type Permission =
  | 'workspace:manage'
  | 'members:manage'
  | 'programs:write'
  | 'partners:write'
  | 'partner_users:manage'
  | 'audit:read'
  | 'api_keys:manage'
  | 'mail_outbox:read';

const ALL: Permission[] = [
  'workspace:manage',
  'members:manage',
  'programs:write',
  'partners:write',
  'partner_users:manage',
  'audit:read',
  'api_keys:manage',
  'mail_outbox:read',
];

const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  owner: ALL,
  admin: ALL,
  partner_manager: ['programs:write', 'partners:write', 'partner_users:manage'],
  sales: [],
  finance: [],
  marketing: [],
  analyst: ['audit:read'],
};

export function roleCan(role: string, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.includes(permission) ?? false;
}

const consoleApi = getRouteApi('/app/console');

/** `can('partners:write')` for the signed-in member in the current workspace. */
export function useCan() {
  const { workspace } = consoleApi.useRouteContext();
  return (permission: Permission) => roleCan(workspace.role, permission);
}
