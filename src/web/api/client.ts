import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** localStorage keys for the tenant the next request acts in. */
export const WORKSPACE_KEY = 'openprm.workspace';
export const PARTNER_KEY = 'openprm.partner';
/** Workspace of the selected partner membership (portal calls act in the vendor's workspace). */
export const PARTNER_WORKSPACE_KEY = 'openprm.partnerWorkspace';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null) {
  try {
    if (value) window.localStorage.setItem(key, value);
    else window.localStorage.removeItem(key);
  } catch {
    // Storage can be unavailable (private mode); the app still works for this page view.
  }
}

export const tenancy = {
  workspaceId: () => read(WORKSPACE_KEY),
  setWorkspaceId: (id: string | null) => write(WORKSPACE_KEY, id),
  partnerId: () => read(PARTNER_KEY),
  partnerWorkspaceId: () => read(PARTNER_WORKSPACE_KEY),
  setPartner: (membership: { partnerId: string; workspaceId: string } | null) => {
    write(PARTNER_KEY, membership?.partnerId ?? null);
    write(PARTNER_WORKSPACE_KEY, membership?.workspaceId ?? null);
  },
};

const tenancyHeaders: Middleware = {
  onRequest({ request }) {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith('/api/v1/')) return request;
    if (pathname.startsWith('/api/v1/portal/')) {
      const partnerId = tenancy.partnerId();
      const workspaceId = tenancy.partnerWorkspaceId() ?? tenancy.workspaceId();
      if (partnerId) request.headers.set('x-partner-id', partnerId);
      if (workspaceId) request.headers.set('x-workspace-id', workspaceId);
    } else {
      const workspaceId = tenancy.workspaceId();
      if (workspaceId) request.headers.set('x-workspace-id', workspaceId);
    }
    return request;
  },
};

/** The typed API client. Types come from schema.d.ts (generated from the OpenAPI document). */
export const api = createClient<paths>({ baseUrl: '', credentials: 'include' });
api.use(tenancyHeaders);
