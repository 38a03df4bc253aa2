import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import * as React from 'react';
import { api } from '../../api/client';
import { ApiError, handleProblem, unwrap } from '../../api/problem';
import { membersQuery } from '../../api/queries';
import type { Partner, PartnerInput, PartnerType } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { PARTNER_TYPES } from '../../lib/labels';
import { countryOptions } from '../../lib/regions';
import { Button } from '../../ui/button';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { FormField } from '../../ui/form-field';
import { Input } from '../../ui/input';
import { NativeSelect } from '../../ui/select';
import { toast } from '../../ui/toast';

const FIELDS = ['kind', 'name', 'website', 'country', 'type', 'tags', 'managerMemberId'] as const;

/** "Add partner" and "Edit partner" share this dialog. */
export function PartnerFormDialog({
  open,
  onOpenChange,
  partner,
  onSaved,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  partner?: Partner;
  onSaved?: (partner: Partner) => void;
}) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const [existingId, setExistingId] = React.useState<string | null>(null);
  const members = useQuery({ ...membersQuery, enabled: open });

  React.useEffect(() => {
    if (!open) {
      setErrors({});
      setExistingId(null);
    }
  }, [open, setErrors]);

  const save = useMutation({
    mutationFn: (body: PartnerInput) =>
      partner
        ? unwrap(api.PATCH('/api/v1/partners/{id}', { params: { path: { id: partner.id } }, body }))
        : unwrap(api.POST('/api/v1/partners', { body })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['partners'] });
      queryClient.setQueryData(['partner', saved.id], saved);
      toast({ title: partner ? 'Partner updated' : 'Partner added', description: saved.name });
      onOpenChange(false);
      onSaved?.(saved);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) {
        const id = typeof error.problem.existingId === 'string' ? error.problem.existingId : null;
        setExistingId(id);
        setErrors({ website: error.problem.detail ?? 'A partner with this website domain already exists.' });
        return;
      }
      handleProblem(error, { setFieldErrors: setErrors, fields: FIELDS });
    },
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setExistingId(null);
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Partner name', type: 'Partner type' });
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const tags = (values.tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    save.mutate({
      kind: values.kind === 'individual' ? 'individual' : 'organization',
      name: values.name ?? '',
      website: values.website || null,
      // The API accepts null to clear the country; its OpenAPI type omits null (zod transform).
      country: (values.country || null) as string | undefined,
      type: values.type as PartnerType,
      tags: [...new Set(tags)],
      managerMemberId: values.managerMemberId || null,
    });
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title={partner ? 'Edit partner' : 'Add partner'}
        description={
          partner ? undefined : 'Add a company or a person you work with. You can enroll them in programs next.'
        }
        size="lg"
      >
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <fieldset className="grid gap-1.5">
            <legend className="mb-1.5 text-sm font-medium text-slate-800">Kind</legend>
            <div className="grid grid-cols-2 gap-2">
              <KindOption
                value="organization"
                label="Organization"
                hint="A company or agency"
                defaultChecked={(partner?.kind ?? 'organization') === 'organization'}
              />
              <KindOption
                value="individual"
                label="Individual"
                hint="An affiliate or freelancer"
                defaultChecked={partner?.kind === 'individual'}
              />
            </div>
          </fieldset>
          <FormField label="Partner name" error={errors.name} required>
            <Input name="name" defaultValue={partner?.name ?? ''} autoComplete="off" />
          </FormField>
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <FormField
              label="Website"
              error={errors.website}
              hint={existingId ? undefined : 'We use its domain to spot duplicates.'}
              optional
            >
              <Input
                name="website"
                type="url"
                inputMode="url"
                placeholder="https://example.com"
                defaultValue={partner?.website ?? ''}
              />
            </FormField>
            <FormField label="Country" error={errors.country} optional>
              <NativeSelect
                name="country"
                defaultValue={partner?.country ?? ''}
                placeholder="Select a country"
                options={countryOptions()}
              />
            </FormField>
          </div>
          {existingId ? (
            <p className="-mt-2 text-sm">
              <Link
                to="/app/partners/$partnerId"
                params={{ partnerId: existingId }}
                className="font-medium text-brand-700 hover:underline"
                onClick={() => onOpenChange(false)}
              >
                Open the existing partner
              </Link>
            </p>
          ) : null}
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <FormField label="Partner type" error={errors.type} required>
              <NativeSelect
                name="type"
                defaultValue={partner?.type ?? ''}
                placeholder="Select a type"
                options={PARTNER_TYPES}
              />
            </FormField>
            <FormField label="Partner manager" error={errors.managerMemberId} optional>
              <NativeSelect
                name="managerMemberId"
                defaultValue={partner?.managerMemberId ?? ''}
                placeholder={members.isPending ? 'Loading…' : 'Nobody yet'}
                options={(members.data?.data ?? []).map((member) => ({
                  value: member.id,
                  label: member.name || member.email,
                }))}
              />
            </FormField>
          </div>
          <FormField label="Tags" error={errors.tags} hint="Separate tags with commas, e.g. emea, strategic." optional>
            <Input name="tags" defaultValue={partner?.tags.join(', ') ?? ''} autoComplete="off" />
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={save.isPending}>
              Save partner
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function KindOption({
  value,
  label,
  hint,
  defaultChecked,
}: {
  value: string;
  label: string;
  hint: string;
  defaultChecked: boolean;
}) {
  return (
    <label className="flex cursor-pointer items-start gap-3 rounded-lg border border-slate-200 px-3 py-2.5 transition-colors hover:border-slate-300 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50/50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500">
      <input
        type="radio"
        name="kind"
        value={value}
        defaultChecked={defaultChecked}
        className="mt-0.5 accent-brand-600 focus-visible:outline-none"
      />
      <span className="grid">
        <span className="text-sm font-medium text-slate-900">{label}</span>
        <span className="text-xs text-slate-500">{hint}</span>
      </span>
    </label>
  );
}
