import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { portalMeQuery } from './shell';

export function usePortalMe() {
  return useQuery(portalMeQuery);
}

export function usePortalTeam() {
  return useQuery({
    queryKey: ['portal', 'team'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/team')),
  });
}
