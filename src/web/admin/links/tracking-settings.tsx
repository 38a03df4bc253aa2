import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { FormField } from '../../ui/form-field';
import { Input } from '../../ui/input';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

/** A program's attribution window, model and default link destination (for the program page). */
export function TrackingSettingsSection({ programId }: { programId: string }) {
  return (
    <Card>
      <CardHeader title="Referral tracking" description="How long a click counts, which click wins, and where new links point by default." />
      <CardBody>
        <TrackingSettingsForm programId={programId} />
      </CardBody>
    </Card>
  );
}

export function TrackingSettingsForm({ programId }: { programId: string }) {
  const canEdit = useCan()('programs:write');
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const settings = useQuery({
    queryKey: ['program', programId, 'tracking-settings'],
    queryFn: () => unwrap(api.GET('/api/v1/programs/{id}/tracking-settings', { params: { path: { id: programId } } })),
  });
  const save = useMutation({
    mutationFn: (body: { attributionWindowDays: number; model: 'last_click' | 'first_click'; defaultDestinationUrl: string | null }) =>
      unwrap(api.PUT('/api/v1/programs/{id}/tracking-settings', { params: { path: { id: programId } }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['program', programId, 'tracking-settings'], saved);
      setErrors({});
      toast({ title: 'Tracking settings saved' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['attributionWindowDays', 'model', 'defaultDestinationUrl'] }),
  });
  if (settings.isPending) return <LoadingBlock lines={3} />;
  if (settings.isError) return <QueryError error={settings.error} retry={() => void settings.refetch()} />;
  const s = settings.data;
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const dest = String(data.get('defaultDestinationUrl') ?? '').trim();
    save.mutate({
      attributionWindowDays: Number.parseInt(String(data.get('attributionWindowDays') ?? ''), 10),
      model: String(data.get('model')) === 'first_click' ? 'first_click' : 'last_click',
      defaultDestinationUrl: dest || null,
    });
  };
  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
        <FormField label="Attribution window" error={errors.attributionWindowDays} hint="Days a click can lead to a credited sign-up (1–365).">
          <Input name="attributionWindowDays" type="number" min={1} max={365} defaultValue={s.attributionWindowDays} />
        </FormField>
        <FormField label="Attribution model" error={errors.model} hint="When a visitor clicked several partners’ links.">
          <NativeSelect
            name="model"
            defaultValue={s.model}
            options={[
              { value: 'last_click', label: 'Last click wins' },
              { value: 'first_click', label: 'First click wins' },
            ]}
          />
        </FormField>
        <FormField label="Default destination" error={errors.defaultDestinationUrl} optional hint="New links point here unless they name their own." className="sm:col-span-2">
          <Input name="defaultDestinationUrl" type="url" placeholder="https://www.example.com/" defaultValue={s.defaultDestinationUrl ?? ''} />
        </FormField>
      </fieldset>
      <p className="text-xs text-slate-500">A customer stays with the partner it was first credited to; these settings apply to new conversions.</p>
      {canEdit ? (
        <div className="flex justify-end">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </Button>
        </div>
      ) : null}
    </form>
  );
}
