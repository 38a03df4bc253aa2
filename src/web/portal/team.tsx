import { useMutation, useQueryClient } from '@tanstack/react-query';
import { UserPlus, UsersRound } from 'lucide-react';
import * as React from 'react';
import { api } from '../api/client';
import { handleProblem, unwrap } from '../api/problem';
import type { PortalTeamMember } from '../api/types';
import { formValues, requireFields, useFieldErrors } from '../lib/forms';
import { PartnerRoleField as RoleField } from '../shared/partner-role-field';
import { QueryError } from '../shared/screens';
import { Button } from '../ui/button';
import { Card, CardBody } from '../ui/card';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../ui/dialog';
import { EmptyState } from '../ui/empty-state';
import { FormField } from '../ui/form-field';
import { Input } from '../ui/input';
import { PageHeader } from '../ui/page-header';
import { LoadingBlock } from '../ui/skeleton';
import { toast } from '../ui/toast';
import { usePortalMe, usePortalTeam } from './queries';
import { TeamRow } from './team-row';

export function PortalTeamPage() {
  const portalMe = usePortalMe();
  const team = usePortalTeam();
  const [open, setOpen] = React.useState(false);
  const isAdmin = portalMe.data?.role === 'admin';
  return (
    <>
      <PageHeader
        title="Team"
        description="Colleagues who can sign in to this portal."
        actions={
          isAdmin ? (
            <Button onClick={() => setOpen(true)}>
              <UserPlus aria-hidden />
              Invite a colleague
            </Button>
          ) : null
        }
      />
      {team.isError ? <QueryError error={team.error} retry={() => void team.refetch()} /> : null}
      <Card>
        {team.isPending ? (
          <CardBody>
            <LoadingBlock lines={4} />
          </CardBody>
        ) : team.data && team.data.data.length === 0 ? (
          <EmptyState
            icon={UsersRound}
            title="No colleagues yet"
            description="Invite the people who sell, bill or build with you."
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {team.data?.data.map((member) => (
              <li key={member.id} className="px-4 py-3 sm:px-5">
                <TeamRow member={member} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {!isAdmin && portalMe.data ? (
        <p className="mt-4 text-sm text-slate-500">Only your team's admins can invite colleagues.</p>
      ) : null}
      <InviteColleagueDialog open={open} onOpenChange={setOpen} />
    </>
  );
}

function InviteColleagueDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  React.useEffect(() => {
    if (!open) setErrors({});
  }, [open, setErrors]);
  const invite = useMutation({
    mutationFn: (body: { email: string; name: string; role: PortalTeamMember['role'] }) =>
      unwrap(api.POST('/api/v1/portal/team/invitations', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['portal', 'team'] });
      toast({ title: 'Invitation sent', description: 'They will get an email with a sign-in link.' });
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
      invite.mutate({
        email: values.email ?? '',
        name: values.name ?? '',
        role: values.role as PortalTeamMember['role'],
      });
    }
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Invite a colleague" description="They get an email with a link to sign in.">
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="Email" error={errors.email} required>
            <Input name="email" type="email" autoComplete="off" inputMode="email" />
          </FormField>
          <FormField label="Name" error={errors.name} required>
            <Input name="name" autoComplete="off" />
          </FormField>
          <RoleField error={errors.role} defaultValue="seller" />
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
