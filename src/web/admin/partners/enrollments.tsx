import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Layers } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { programsQuery } from '../../api/queries';
import type { Enrollment } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { NativeSelect, Select } from '../../ui/select';
import { tiersQuery } from '../programs/tiers';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

export function Enrollments({ partnerId }: { partnerId: string }) {
  const [open, setOpen] = React.useState(false);
  const can = useCan();
  const enrollments = useQuery({
    queryKey: ['partner', partnerId, 'enrollments'],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}/enrollments', { params: { path: { id: partnerId } } })),
  });
  const columns: Column<Enrollment>[] = [
    {
      id: 'program',
      header: 'Program',
      cell: (row) => (
        <Link
          to="/app/programs/$programId"
          params={{ programId: row.programId }}
          className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
        >
          {row.programName}
        </Link>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (row) => (
        <Badge tone={row.status === 'active' ? 'success' : 'muted'} dot>
          {row.status.charAt(0).toUpperCase() + row.status.slice(1)}
        </Badge>
      ),
    },
    { id: 'tier', header: 'Tier', cell: (row) => <TierCell enrollment={row} canEdit={can('partners:write')} /> },
    { id: 'createdAt', header: 'Enrolled', cell: (row) => formatDate(row.createdAt) },
  ];
  return (
    <section aria-labelledby="enrollments-title" className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 id="enrollments-title" className="text-base font-semibold text-slate-900">
            Program enrollments
          </h2>
          <p className="text-sm text-slate-500">The programs this partner takes part in.</p>
        </div>
        {can('partners:write') ? (
          <Button onClick={() => setOpen(true)}>
            <Layers aria-hidden />
            Enroll in program
          </Button>
        ) : null}
      </div>
      {enrollments.isError ? <QueryError error={enrollments.error} retry={() => void enrollments.refetch()} /> : null}
      <DataTable
        label="Program enrollments"
        columns={columns}
        rows={enrollments.data?.data}
        getRowId={(row) => row.id}
        loading={enrollments.isFetching}
        empty={
          <EmptyState
            icon={Layers}
            title="Not enrolled yet"
            description="Enroll this partner in a program so they get its terms and can see it in their portal."
          />
        }
      />
      <EnrollDialog
        open={open}
        onOpenChange={setOpen}
        partnerId={partnerId}
        enrolledProgramIds={new Set((enrollments.data?.data ?? []).map((row) => row.programId))}
      />
    </section>
  );
}

function EnrollDialog({
  open,
  onOpenChange,
  partnerId,
  enrolledProgramIds,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  partnerId: string;
  enrolledProgramIds: Set<string>;
}) {
  const queryClient = useQueryClient();
  const programs = useQuery({ ...programsQuery(), enabled: open });
  const { errors, setErrors } = useFieldErrors();
  const available = (programs.data?.data ?? []).filter(
    (program) => program.status !== 'archived' && !enrolledProgramIds.has(program.id),
  );

  const enroll = useMutation({
    mutationFn: (programId: string) =>
      unwrap(
        api.POST('/api/v1/partners/{id}/enrollments', { params: { path: { id: partnerId } }, body: { programId } }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['partner', partnerId, 'enrollments'] });
      void queryClient.invalidateQueries({ queryKey: ['partners'] });
      toast({ title: 'Partner enrolled' });
      onOpenChange(false);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['programId'] }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { programId: 'Program' });
    setErrors(missing);
    if (!missing.programId) enroll.mutate(values.programId ?? '');
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Enroll in program" description="The partner gets the program's terms from today." size="sm">
        {programs.isPending ? (
          <LoadingBlock lines={2} />
        ) : available.length === 0 ? (
          <div className="grid gap-4 text-sm text-slate-600">
            <p>
              {(programs.data?.data.length ?? 0) === 0
                ? 'There is no program yet. Create one first.'
                : 'This partner is already in every open program.'}
            </p>
            <Button asChild variant="secondary" className="justify-self-start">
              <Link to="/app/programs/new">Create a program</Link>
            </Button>
          </div>
        ) : (
          <form onSubmit={onSubmit} noValidate className="grid gap-4">
            <FormField label="Program" error={errors.programId} required>
              <NativeSelect
                name="programId"
                defaultValue={available.length === 1 ? available[0]?.id : ''}
                placeholder="Select a program"
                options={available.map((program) => ({
                  value: program.id,
                  label: program.status === 'draft' ? `${program.name} (draft)` : program.name,
                }))}
              />
            </FormField>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" loading={enroll.isPending}>
                Enroll
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

const NO_TIER = '__none__';

/** The partner's tier in this program; a select for those who may change it. */
function TierCell({ enrollment, canEdit }: { enrollment: Enrollment; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const tiers = useQuery({ ...tiersQuery(enrollment.programId), enabled: canEdit });
  const setTier = useMutation({
    mutationFn: (tierId: string | null) =>
      unwrap(api.PATCH('/api/v1/enrollments/{id}', { params: { path: { id: enrollment.id } }, body: { tierId } })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['partner', enrollment.partnerId] });
      void queryClient.invalidateQueries({ queryKey: ['program', enrollment.programId, 'tiers'] });
      toast({ title: saved.tierName ? `Tier set to ${saved.tierName}` : 'Tier cleared', description: enrollment.programName });
    },
    onError: (error) => handleProblem(error, { title: 'Could not change the tier' }),
  });
  const options = tiers.data?.data ?? [];
  if (!canEdit || (tiers.isSuccess && options.length === 0)) {
    return enrollment.tierName ? (
      <Badge tone="neutral">{enrollment.tierName}</Badge>
    ) : (
      <span className="text-sm text-slate-400">{canEdit ? 'No tiers in this program' : 'None'}</span>
    );
  }
  return (
    <Select
      size="sm"
      label={`Tier in ${enrollment.programName}`}
      value={enrollment.tierId ?? NO_TIER}
      disabled={tiers.isPending || setTier.isPending}
      onValueChange={(value) => setTier.mutate(value === NO_TIER ? null : value)}
      options={[{ value: NO_TIER, label: 'No tier' }, ...options.map((tier) => ({ value: tier.id, label: tier.name }))]}
      className="w-40"
    />
  );
}
