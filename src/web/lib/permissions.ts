import { getRouteApi } from '@tanstack/react-router';
import type { components } from '../api/schema';

/**
 * What the signed-in member may do in the current workspace, as /me reports it (the server's
 * role table is the one source). Used only to hide navigation and buttons a role cannot use;
 * the server enforces access on every route.
 */
export type Permission = components['schemas']['Me']['workspaces'][number]['permissions'][number];

const consoleApi = getRouteApi('/app/console');

/** `can('partners:write')` for the signed-in member in the current workspace. */
export function useCan() {
  const { workspace } = consoleApi.useRouteContext();
  return (permission: Permission) => workspace.permissions.includes(permission);
}
