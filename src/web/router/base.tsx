import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, Outlet, redirect } from '@tanstack/react-router';
import { ConsoleShell } from '../admin/shell';
import { tenancy } from '../api/client';
import { isStatus } from '../api/problem';
import { meQuery } from '../api/queries';
import type { Me } from '../api/types';
import { PortalShell } from '../portal/shell';
import { ErrorScreen, NotFoundScreen } from '../shared/screens';
import { Toaster } from '../ui/toast';

/** better-auth sends a failed sign-in link back with ?error=…; the sign-in page explains it. */
function linkError(search: unknown): string | undefined {
  const value = typeof search === 'object' && search !== null ? (search as Record<string, unknown>).error : undefined;
  return typeof value === 'string' ? value : undefined;
}

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <>
      <Outlet />
      <Toaster />
    </>
  ),
  notFoundComponent: NotFoundScreen,
  errorComponent: ErrorScreen,
});

export const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/app' });
  },
});

/** Vendor console: everything under /app. */
export const appRoute = createRoute({ getParentRoute: () => rootRoute, path: 'app' });

/** The signed-in console with a workspace; pages of the console live under it. */
export const consoleRoute = createRoute({
  getParentRoute: () => appRoute,
  id: 'console',
  component: ConsoleShell,
  beforeLoad: async ({ context, location }) => {
    let me: Me;
    try {
      me = await context.queryClient.ensureQueryData(meQuery);
    } catch (error) {
      if (isStatus(error, 401)) {
        throw redirect({ to: '/app/sign-in', search: { redirect: location.href, error: linkError(location.search) } });
      }
      throw error;
    }
    const [first] = me.workspaces;
    if (!first) {
      // Someone who only belongs to partners has no console; send them to their portal.
      if (me.partnerMemberships.length > 0) throw redirect({ to: '/portal' });
      throw redirect({ to: '/app/onboarding' });
    }
    const workspace = me.workspaces.find((item) => item.id === tenancy.workspaceId()) ?? first;
    if (workspace.id !== tenancy.workspaceId()) tenancy.setWorkspaceId(workspace.id);
    return { me, workspace };
  },
});

/** Partner portal: everything under /portal. */
export const portalRoute = createRoute({ getParentRoute: () => rootRoute, path: 'portal' });

export const portalShellRoute = createRoute({
  getParentRoute: () => portalRoute,
  id: 'portal-shell',
  component: PortalShell,
  beforeLoad: async ({ context, location }) => {
    let me: Me;
    try {
      me = await context.queryClient.ensureQueryData(meQuery);
    } catch (error) {
      if (isStatus(error, 401)) {
        throw redirect({
          to: '/portal/sign-in',
          search: { redirect: location.href, error: linkError(location.search) },
        });
      }
      throw error;
    }
    const memberships = me.partnerMemberships;
    const membership = memberships.find((item) => item.partnerId === tenancy.partnerId()) ?? memberships[0] ?? null;
    if (membership && membership.partnerId !== tenancy.partnerId()) tenancy.setPartner(membership);
    if (membership && membership.workspaceId !== tenancy.partnerWorkspaceId()) tenancy.setPartner(membership);
    return { me, membership };
  },
});
