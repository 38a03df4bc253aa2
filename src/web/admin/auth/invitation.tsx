import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { CheckCircle2 } from 'lucide-react';
import { auth } from '../../api/auth';
import { api, tenancy } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { meQuery } from '../../api/queries';
import { labelOf, MEMBER_ROLES } from '../../lib/labels';
import { AuthLayout } from '../../shared/screens';
import { Button } from '../../ui/button';
import { LoadingBlock } from '../../ui/skeleton';

const invitationApi = getRouteApi('/app/invitations/$token');

export function InvitationPage() {
  const { token } = invitationApi.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => unwrap(api.GET('/api/v1/invitations/by-token/{token}', { params: { path: { token } } })),
    retry: false,
  });
  const me = useQuery(meQuery);
  const here = `/app/invitations/${token}`;

  const accept = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/invitations/by-token/{token}/accept', { params: { path: { token } } })),
    onSuccess: async (result) => {
      const workspaceId =
        result && typeof result === 'object' && 'workspaceId' in result && typeof result.workspaceId === 'string'
          ? result.workspaceId
          : null;
      if (workspaceId) tenancy.setWorkspaceId(workspaceId);
      queryClient.removeQueries();
      await navigate({ to: '/app' });
    },
    onError: (error) => handleProblem(error, { title: 'Could not accept the invitation' }),
  });

  const signOut = useMutation({
    mutationFn: auth.signOut,
    onSuccess: () => queryClient.removeQueries({ queryKey: meQuery.queryKey }),
  });

  if (invitation.isPending || (me.isPending && !me.isError)) {
    return (
      <AuthLayout title="Invitation">
        <LoadingBlock lines={3} />
      </AuthLayout>
    );
  }

  if (invitation.isError || !invitation.data) {
    return (
      <AuthLayout
        title="This invitation is not valid"
        description="The link may be mistyped, revoked or expired. Ask the person who invited you to send a new one."
      >
        <Button asChild variant="secondary" className="w-full">
          <Link to="/app">Go to OpenPRM</Link>
        </Button>
      </AuthLayout>
    );
  }

  const info = invitation.data;
  const role = labelOf(MEMBER_ROLES, info.role);
  if (info.status !== 'pending') {
    return (
      <AuthLayout
        title={info.status === 'accepted' ? 'Invitation already accepted' : 'This invitation is no longer valid'}
        description={
          info.status === 'accepted'
            ? `You already joined ${info.workspaceName}.`
            : `Ask someone at ${info.workspaceName} to invite you again.`
        }
      >
        <Button asChild className="w-full">
          <Link to="/app">Open the console</Link>
        </Button>
      </AuthLayout>
    );
  }

  const user = me.data?.user;
  const emailMatches = user && user.email.toLowerCase() === info.email.toLowerCase();

  return (
    <AuthLayout title={`Join ${info.workspaceName}`} description={`You were invited as ${role}.`}>
      <dl className="mb-6 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 rounded-lg bg-slate-50 px-4 py-3 text-sm">
        <dt className="text-slate-500">Workspace</dt>
        <dd className="font-medium text-slate-900">{info.workspaceName}</dd>
        <dt className="text-slate-500">Invited email</dt>
        <dd className="truncate font-medium text-slate-900">{info.email}</dd>
        <dt className="text-slate-500">Role</dt>
        <dd className="font-medium text-slate-900">{role}</dd>
      </dl>
      {!user ? (
        <div className="grid gap-3">
          <p className="text-sm text-slate-600">Sign in or create an account with {info.email} to accept.</p>
          <Button asChild className="w-full">
            <Link to="/app/sign-up" search={{ redirect: here, email: info.email }}>
              Create an account
            </Link>
          </Button>
          <Button asChild variant="secondary" className="w-full">
            <Link to="/app/sign-in" search={{ redirect: here, email: info.email }}>
              I already have an account
            </Link>
          </Button>
        </div>
      ) : emailMatches ? (
        <Button className="w-full" onClick={() => accept.mutate()} loading={accept.isPending}>
          <CheckCircle2 aria-hidden />
          Accept invitation
        </Button>
      ) : (
        <div className="grid gap-3">
          <p className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            You are signed in as <strong>{user.email}</strong>, but this invitation is for <strong>{info.email}</strong>
            . Sign out and sign in with the invited email.
          </p>
          <Button variant="secondary" className="w-full" onClick={() => signOut.mutate()} loading={signOut.isPending}>
            Sign out
          </Button>
        </div>
      )}
    </AuthLayout>
  );
}
