import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { meQuery } from '../../api/queries';
import type { Workspace } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  if (!zones.includes(current)) zones = [current, ...zones];
  return zones;
}

export function WorkspaceSettingsPage() {
  const workspace = useQuery({
    queryKey: ['workspace'],
    queryFn: () => unwrap(api.GET('/api/v1/workspace')),
  });
  return (
    <>
      <PageHeader title="Workspace" description="Your company's name and the time zone schedules run in." />
      {workspace.isError ? <QueryError error={workspace.error} retry={() => void workspace.refetch()} /> : null}
      {workspace.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={4} />
        </Card>
      ) : workspace.data ? (
        <WorkspaceForm workspace={workspace.data} key={`${workspace.data.name}|${workspace.data.timeZone}`} />
      ) : null}
    </>
  );
}

function WorkspaceForm({ workspace }: { workspace: Workspace }) {
  const readOnly = !useCan()('workspace:manage');
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const save = useMutation({
    mutationFn: (body: { name: string; timeZone: string }) => unwrap(api.PATCH('/api/v1/workspace', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['workspace'], saved);
      void queryClient.invalidateQueries({ queryKey: meQuery.queryKey });
      toast({ title: 'Workspace saved' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['name', 'timeZone'] }),
  });
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Workspace name' });
    setErrors(missing);
    if (!missing.name) save.mutate({ name: values.name ?? '', timeZone: values.timeZone || 'UTC' });
  };
  return (
    <Card className="max-w-2xl">
      <CardHeader title="General" description={`Created ${formatDate(workspace.createdAt)} · ID ${workspace.id}`} />
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={readOnly} className="contents">
          <CardBody className="grid gap-5 p-6">
            <FormField label="Workspace name" error={errors.name} required>
              <Input name="name" defaultValue={workspace.name} autoComplete="organization" />
            </FormField>
            <FormField
              label="Time zone"
              error={errors.timeZone}
              hint="Payout dates, reminders and reports follow this time zone."
            >
              <NativeSelect
                name="timeZone"
                defaultValue={workspace.timeZone}
                options={timeZones(workspace.timeZone).map((zone) => ({
                  value: zone,
                  label: zone.replaceAll('_', ' '),
                }))}
              />
            </FormField>
          </CardBody>
        </fieldset>
        {readOnly ? null : (
          <div className="flex justify-end rounded-b-xl border-t border-slate-100 bg-slate-50/60 px-6 py-4">
            <Button type="submit" loading={save.isPending}>
              Save changes
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
