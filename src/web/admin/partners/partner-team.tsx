import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { UserPlus, UsersRound } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { Partner, PartnerRole, PartnerUser } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { initials, labelOf, PARTNER_ROLES } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { PartnerRoleField as RoleField } from '../../shared/partner-role-field';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { Input } from '../../ui/input';
import { toast } from '../../ui/toast';

export function PartnerTeam({ partner }: { partner: Partner }) {
  const [open, setOpen] = React.useState(false);
  const can = useCan();
  const users = useQuery({
    queryKey: ['partner', partner.id, 'users'],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}/users', { params: { path: { id: partner.id } } })),
  });
  const columns: Column<PartnerUser>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (user) => (
        <div className="flex items-center gap-3">
          <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600">
            {initials(user.name)}
          </span>
          <div className="min-w-0">
            <div className="font-medium text-slate-900">{user.name}</div>
            <div className="truncate text-xs text-slate-500">{user.email}</div>
          </div>
        </div>
      ),
    },
    { id: 'role', header: 'Role', cell: (user) => labelOf(PARTNER_ROLES, user.role) },
    {
      id: 'status',
      header: 'Status',
      cell: (user) =>
        user.status === 'active' ? (
          <Badge tone="success" dot>
            Active
          </Badge>
        ) : (
          <Badge tone="warning" dot>
            Invited
          </Badge>
        ),
    },
    { id: 'createdAt', header: 'Added', cell: (user) => formatDate(user.createdAt) },
  ];
  return (
    <section aria-labelledby="team-title" className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="team-title" className="text-base font-semibold text-slate-900">
            Partner team
          </h2>
          <p className="text-sm text-slate-500">People at {partner.name} who can sign in to the partner portal.</p>
        </div>
        {can('partner_users:manage') ? (
          <Button onClick={() => setOpen(true)}>
            <UserPlus aria-hidden />
            Invite partner user
          </Button>
        ) : null}
      </div>
      {users.isError ? <QueryError error={users.error} retry={() => void users.refetch()} /> : null}
      <DataTable
        label="Partner users"
        columns={columns}
        rows={users.data?.data}
        getRowId={(user) => user.id}
        loading={users.isFetching}
        empty={
          <EmptyState
            icon={UsersRound}
            title="No one from this partner has access yet"
            description="Invite their first admin; they get an email with a sign-in link and can invite colleagues themselves."
          />
        }
      />
      <InvitePartnerUserDialog open={open} onOpenChange={setOpen} partner={partner} />
    </section>
  );
}

function InvitePartnerUserDialog({
  open,
  onOpenChange,
  partner,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  partner: Partner;
}) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  React.useEffect(() => {
    if (!open) setErrors({});
  }, [open, setErrors]);
  const invite = useMutation({
    mutationFn: (body: { email: string; name: string; role: PartnerRole }) =>
      unwrap(api.POST('/api/v1/partners/{id}/users', { params: { path: { id: partner.id } }, body })),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ['partner', partner.id, 'users'] });
      toast({ title: 'Invitation sent', description: `${user.name} will get an email with a sign-in link.` });
      onOpenChange(false);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['email', 'name', 'role'] }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { email: 'Email', name: 'Name', role: 'Role' });
    setErrors(missing);
    if (Object.keys(missing).length === 0) {
      invite.mutate({ email: values.email ?? '', name: values.name ?? '', role: values.role as PartnerRole });
    }
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title="Invite partner user"
        description={`They get an email with a link to ${partner.name}'s partner portal.`}
      >
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="Email" error={errors.email} required>
            <Input name="email" type="email" autoComplete="off" />
          </FormField>
          <FormField label="Name" error={errors.name} required>
            <Input name="name" autoComplete="off" />
          </FormField>
          <RoleField error={errors.role} />
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
