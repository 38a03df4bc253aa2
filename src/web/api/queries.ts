import { queryOptions } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './problem';

/** The signed-in user, their workspaces and partner memberships. 401 when signed out. */
export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => unwrap(api.GET('/api/v1/me')),
  staleTime: 60_000,
  retry: false,
});

export const programsQuery = (status?: 'draft' | 'active' | 'archived') =>
  queryOptions({
    queryKey: ['programs', 'all', status ?? 'any'],
    // Pickers need every program; workspaces have tens of programs, not thousands.
    queryFn: () =>
      unwrap(api.GET('/api/v1/programs', { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
  });

export const membersQuery = queryOptions({
  queryKey: ['members'],
  queryFn: () => unwrap(api.GET('/api/v1/members', { params: { query: { limit: 100 } } })),
});

export const invitationsQuery = queryOptions({
  queryKey: ['invitations'],
  queryFn: () => unwrap(api.GET('/api/v1/invitations', { params: { query: { limit: 100 } } })),
});
