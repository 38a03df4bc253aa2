import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Mail, MoreHorizontal, UserMinus, UserPlus, UsersRound } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { invitationsQuery, membersQuery } from '../../api/queries';
import type { Invitation, Member, MemberRole } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { initials, labelOf, MEMBER_ROLES } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '../../ui/dropdown-menu';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate, formatRelative } from '../../ui/format';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect, Select } from '../../ui/select';
import { toast } from '../../ui/toast';

const consoleApi = getRouteApi('/app/console');

export function TeamPage() {
  const { me } = consoleApi.useRouteContext();
  const canManage = useCan()('members:manage');
  const queryClient = useQueryClient();
  const [inviteOpen, setInviteOpen] = React.useState(false);
  const [removing, setRemoving] = React.useState<Member | null>(null);
  const members = useQuery(membersQuery);
  const invitations = useQuery(invitationsQuery);

  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: MemberRole }) =>
      unwrap(api.PATCH('/api/v1/members/{id}', { params: { path: { id } }, body: { role } })),
    onSuccess: (_data, { id, role }) => {
      const member = members.data?.data.find((item) => item.id === id);
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      toast({
        title: 'Role changed',
        description: `${member?.name ?? 'The member'} is now ${labelOf(MEMBER_ROLES, role)}.`,
      });
    },
    onError: (error) => handleProblem(error, { title: 'The role was not changed' }),
  });

  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['invitations'] });
      toast({ title: 'Invitation revoked' });
    },
    onError: (error) => handleProblem(error, { title: 'The invitation was not revoked' }),
  });

  const memberColumns: Column<Member>[] = [
    {
      id: 'name',
      header: 'Member',
      cell: (member) => (
        <div className="flex items-center gap-3">
          <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-50 text-xs font-semibold text-brand-700">
            {initials(member.name)}
          </span>
          <div className="min-w-0">
            <div className="font-medium text-slate-900">
              {member.name}
              {member.userId === me.user.id ? (
                <span className="ml-2 text-xs font-normal text-slate-400">You</span>
              ) : null}
            </div>
            <div className="truncate text-xs text-slate-500">{member.email}</div>
          </div>
        </div>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: (member) => (
        <Select
          label={`Change access for ${member.name}`}
          value={member.role}
          onValueChange={(role) => {
            if (role !== member.role) changeRole.mutate({ id: member.id, role: role as MemberRole });
          }}
          options={MEMBER_ROLES}
          className="w-44"
          size="sm"
          disabled={!canManage || member.userId === me.user.id}
        />
      ),
    },
    { id: 'createdAt', header: 'Joined', cell: (member) => formatDate(member.createdAt), hideOnMobile: true },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (member) =>
        !canManage || member.userId === me.user.id ? null : (
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="ghost" size="icon-sm" aria-label={`Actions for ${member.name}`}>
                <MoreHorizontal aria-hidden />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem destructive onSelect={() => setRemoving(member)}>
                <UserMinus aria-hidden />
                Remove from workspace
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        ),
    },
  ];

  const pending = (invitations.data?.data ?? []).filter((invitation) => invitation.status === 'pending');
  const invitationColumns: Column<Invitation>[] = [
    {
      id: 'email',
      header: 'Email',
      cell: (invitation) => <span className="font-medium text-slate-900">{invitation.email}</span>,
    },
    { id: 'role', header: 'Role', cell: (invitation) => labelOf(MEMBER_ROLES, invitation.role) },
    { id: 'sent', header: 'Sent', cell: (invitation) => formatRelative(invitation.createdAt) },
    {
      id: 'expires',
      header: 'Expires',
      cell: (invitation) => <ExpiryBadge expiresAt={invitation.expiresAt} />,
      hideOnMobile: true,
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (invitation) =>
        canManage ? (
          <Button
            variant="destructive-ghost"
            size="sm"
            onClick={() => revoke.mutate(invitation.id)}
            loading={revoke.isPending && revoke.variables === invitation.id}
            aria-label={`Revoke invitation for ${invitation.email}`}
          >
            Revoke
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Team"
        description="People in your company who use OpenPRM, and what each role can do."
        actions={
          canManage ? (
            <Button onClick={() => setInviteOpen(true)}>
              <UserPlus aria-hidden />
              Invite member
            </Button>
          ) : null
        }
      />
      {members.isError ? <QueryError error={members.error} retry={() => void members.refetch()} /> : null}
      <DataTable
        label="Members"
        columns={memberColumns}
        rows={members.data?.data}
        getRowId={(member) => member.id}
        loading={members.isPending}
        empty={
          <EmptyState
            icon={UsersRound}
            title="No members"
            description="Invite your colleagues to work with partners."
          />
        }
      />

      <section className="mt-10" aria-labelledby="pending-title">
        <h2 id="pending-title" className="mb-1 text-base font-semibold text-slate-900">
          Pending invitations
        </h2>
        <p className="mb-4 text-sm text-slate-500">Invitations expire after a while; revoke one to cancel its link.</p>
        <DataTable
          label="Pending invitations"
          columns={invitationColumns}
          rows={invitations.data ? pending : undefined}
          getRowId={(invitation) => invitation.id}
          loading={invitations.isPending}
          empty={
            <EmptyState
              icon={Mail}
              title="No pending invitations"
              description="Use Invite member to add a colleague; they get an email with a link to join."
            />
          }
        />
      </section>

      <InviteMemberDialog open={inviteOpen} onOpenChange={setInviteOpen} />
      <RemoveMemberDialog member={removing} onClose={() => setRemoving(null)} />
    </>
  );
}

function ExpiryBadge({ expiresAt }: { expiresAt: string }) {
  const left = new Date(expiresAt).getTime() - Date.now();
  const day = 24 * 3600 * 1000;
  const tone = left <= 0 ? 'danger' : left < day ? 'danger' : left < 2 * day ? 'warning' : 'neutral';
  return <Badge tone={tone}>{left <= 0 ? 'Expired' : formatRelative(expiresAt)}</Badge>;
}

function InviteMemberDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const [role, setRole] = React.useState<string>('partner_manager');
  React.useEffect(() => {
    if (!open) setErrors({});
  }, [open, setErrors]);

  const invite = useMutation({
    mutationFn: (body: { email: string; role: MemberRole }) => unwrap(api.POST('/api/v1/invitations', { body })),
    onSuccess: (invitation) => {
      void queryClient.invalidateQueries({ queryKey: ['invitations'] });
      toast({ title: 'Invitation sent', description: `We emailed ${invitation.email} a link to join.` });
      onOpenChange(false);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['email', 'role'] }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { email: 'Email', role: 'Role' });
    setErrors(missing);
    if (Object.keys(missing).length === 0)
      invite.mutate({ email: values.email ?? '', role: values.role as MemberRole });
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Invite member" description="They get an email with a link to join this workspace.">
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="Email" error={errors.email} required>
            <Input name="email" type="email" autoComplete="off" placeholder="colleague@company.com" />
          </FormField>
          <FormField
            label="Role"
            error={errors.role}
            hint={MEMBER_ROLES.find((item) => item.value === role)?.description}
            required
          >
            <NativeSelect
              name="role"
              value={role}
              onChange={(event) => setRole(event.target.value)}
              options={MEMBER_ROLES}
            />
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={invite.isPending}>
              Send invitation
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RemoveMemberDialog({ member, onClose }: { member: Member | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/members/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      toast({ title: 'Member removed', description: member?.name });
      onClose();
    },
    onError: (error) => handleProblem(error, { title: 'The member was not removed' }),
  });
  return (
    <Dialog open={member !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={`Remove ${member?.name ?? 'member'}?`}
        description="They lose access to this workspace at once. Records they created stay."
        size="sm"
      >
        <DialogFooter className="mt-0">
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" onClick={() => member && remove.mutate(member.id)} loading={remove.isPending}>
            Remove member
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
