import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Eye, Pencil, Plus, Trash2 } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { CustomFieldDefinition, RegistrationField, RegistrationPolicy, RegistrationPolicyInput } from '../../api/types';
import { PARTNER_TYPES } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { PROSE } from '../../portal/deals/rules';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Checkbox } from '../../ui/checkbox';
import { FormField } from '../../ui/form-field';
import { formatRelative } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input, Textarea } from '../../ui/input';
import { Label } from '../../ui/label';
import { Markdown } from '../../ui/markdown';
import { Segmented } from '../../ui/segmented';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

const FIELD_LABELS: Record<RegistrationField, string> = {
  accountName: 'Company name',
  accountDomain: 'Website or domain',
  accountCountry: 'Country',
  contactName: 'Contact name',
  contactEmail: 'Contact email',
  contactPhone: 'Contact phone',
  amount: 'Estimated amount',
  expectedCloseDate: 'Expected close date',
  products: 'Products',
  notes: 'Notes',
};
const FIELDS = Object.keys(FIELD_LABELS) as RegistrationField[];

const HIERARCHY_LABELS: Record<string, string> = {
  registered: 'A registered claim beats an unregistered (direct) one',
  incumbent: 'The incumbent partner beats a net-new claim',
  certified: 'An actively certified partner breaks a tie',
  first_to_register: 'The first to register wins',
};

function move<T>(list: T[], index: number, by: number): T[] {
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(index + by, 0, item as T);
  return next;
}

const CUSTOM_TYPES = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
  { value: 'select', label: 'Choice list' },
] as const;

type CustomDraft = CustomFieldDefinition & { draftKey: string; optionsText: string };
let keySeed = 0;

export function RegistrationPolicySection({ programId }: { programId: string }) {
  const policy = useQuery({
    queryKey: ['program', programId, 'registration-policy'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/programs/{id}/registration-policy', { params: { path: { id: programId } } })),
  });
  if (policy.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={8} />
      </Card>
    );
  if (policy.isError) return <QueryError error={policy.error} retry={() => void policy.refetch()} />;
  return <PolicyForm policy={policy.data} key={policy.data.updatedAt ?? 'default'} />;
}

function PolicyForm({ policy }: { policy: RegistrationPolicy }) {
  const canEdit = useCan()('registrations:configure');
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const [required, setRequired] = React.useState<Set<string>>(new Set(policy.requiredFields));
  const [custom, setCustom] = React.useState<CustomDraft[]>(() =>
    policy.customFields.map((field) => ({
      ...field,
      draftKey: `cf-${++keySeed}`,
      optionsText: (field.options ?? []).join(', '),
    })),
  );
  const [rules, setRules] = React.useState(policy.rulesOfEngagement);
  const [types, setTypes] = React.useState<Set<string>>(new Set(policy.eligibility.partnerTypes));
  const [hierarchy, setHierarchy] = React.useState(policy.conflictHierarchy);
  const [preview, setPreview] = React.useState(false);

  const save = useMutation({
    mutationFn: (body: RegistrationPolicyInput) =>
      unwrap(
        api.PUT('/api/v1/programs/{id}/registration-policy', { params: { path: { id: policy.programId } }, body }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['program', policy.programId, 'registration-policy'], saved);
      toast({ title: 'Registration policy saved' });
      setErrors({});
      setMessage(null);
    },
    onError: (error) =>
      handleProblem(error, {
        setFieldErrors: setErrors,
        mapPath: (path) => path.replace(/^\/+/, '').replaceAll('/', '.'),
        onMessage: setMessage,
      }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const int = (name: string) => Number.parseInt(String(data.get(name) ?? ''), 10);
    save.mutate({
      approvalSlaHours: int('approvalSlaHours'),
      protectionDays: int('protectionDays'),
      maxExtensions: int('maxExtensions'),
      extensionDays: int('extensionDays'),
      extensionRequiresApproval: data.get('extensionRequiresApproval') === 'on',
      requiredFields: FIELDS.filter((field) => field === 'accountName' || required.has(field)),
      customFields: custom.map(({ key, label, type, required: isRequired, optionsText }) => ({
        key,
        label,
        type,
        required: isRequired,
        ...(type === 'select'
          ? {
              options: optionsText
                .split(',')
                .map((item) => item.trim())
                .filter(Boolean),
            }
          : {}),
      })),
      rulesOfEngagement: rules,
      eligibility: {
        partnerTypes: PARTNER_TYPES.map((type) => type.value).filter((type) => types.has(type)),
        tags: String(data.get('eligibilityTags') ?? '')
          .split(',')
          .map((tag) => tag.trim().toLowerCase())
          .filter(Boolean),
      },
      conflictHierarchy: hierarchy,
    });
  };
  const err = (path: string) => errors[path];
  const updateCustom = (draftKey: string, patch: Partial<CustomDraft>) =>
    setCustom((current) => current.map((item) => (item.draftKey === draftKey ? { ...item, ...patch } : item)));

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-6">
      <fieldset disabled={!canEdit} className="contents">
        <Card>
          <CardHeader
            title="Review and protection"
            description={
              policy.isDefault
                ? 'These are the defaults. Save to set this program’s own policy.'
                : policy.updatedAt
                  ? `Last changed ${formatRelative(policy.updatedAt)}.`
                  : undefined
            }
            actions={policy.isDefault ? <Badge tone="muted">Defaults</Badge> : null}
          />
          <CardBody className="grid grid-cols-1 gap-5 sm:grid-cols-2">
            <FormField label="Approval SLA (hours)" error={err('approvalSlaHours')} hint="Time your team has to decide.">
              <Input name="approvalSlaHours" type="number" min={1} defaultValue={policy.approvalSlaHours} />
            </FormField>
            <FormField label="Protection window (days)" error={err('protectionDays')} hint="Starts on approval.">
              <Input name="protectionDays" type="number" min={1} defaultValue={policy.protectionDays} />
            </FormField>
            <FormField label="Extensions allowed" error={err('maxExtensions')} hint="How many times a partner may extend.">
              <Input name="maxExtensions" type="number" min={0} defaultValue={policy.maxExtensions} />
            </FormField>
            <FormField label="Days per extension" error={err('extensionDays')}>
              <Input name="extensionDays" type="number" min={1} defaultValue={policy.extensionDays} />
            </FormField>
            <label className="flex items-start gap-3 sm:col-span-2">
              <input
                type="checkbox"
                name="extensionRequiresApproval"
                defaultChecked={policy.extensionRequiresApproval}
                className="mt-0.5 size-4 rounded border-slate-300 accent-brand-600"
              />
              <span className="grid gap-0.5">
                <span className="text-sm font-medium text-slate-900">Extensions need approval</span>
                <span className="text-[13px] text-slate-500">Otherwise a request extends the protection at once.</span>
              </span>
            </label>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Registration form" description="What partners must fill in. Company name is always required." />
          <CardBody className="grid gap-6">
            <fieldset>
              <legend className="mb-3 text-sm font-medium text-slate-900">Required fields</legend>
              <div className="grid grid-cols-1 gap-2.5 sm:grid-cols-2">
                {FIELDS.map((field) => (
                  <div key={field} className="flex items-center gap-2.5">
                    <Checkbox
                      id={`required-${field}`}
                      checked={field === 'accountName' || required.has(field)}
                      disabled={field === 'accountName' || !canEdit}
                      onCheckedChange={(checked) =>
                        setRequired((current) => {
                          const next = new Set(current);
                          if (checked) next.add(field);
                          else next.delete(field);
                          return next;
                        })
                      }
                    />
                    <Label htmlFor={`required-${field}`} className="font-normal">
                      {FIELD_LABELS[field]}
                    </Label>
                  </div>
                ))}
              </div>
              {err('requiredFields') ? <p className="mt-2 text-[13px] text-red-700">{err('requiredFields')}</p> : null}
            </fieldset>

            <fieldset className="grid gap-3">
              <legend className="mb-1 text-sm font-medium text-slate-900">Custom fields</legend>
              {custom.length === 0 ? (
                <p className="text-sm text-slate-500">No custom fields. Add one to ask partners for program-specific details.</p>
              ) : null}
              {custom.map((field, index) => (
                <div
                  key={field.draftKey}
                  className="grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-slate-50/50 p-3 sm:grid-cols-[1fr_1fr_150px_auto]"
                >
                  <FormField label="Label" error={err(`customFields.${index}.label`)}>
                    <Input value={field.label} onChange={(event) => updateCustom(field.draftKey, { label: event.target.value })} />
                  </FormField>
                  <FormField label="Key" error={err(`customFields.${index}.key`)} hint="Used by the API.">
                    <Input
                      value={field.key}
                      className="font-mono text-[13px]"
                      onChange={(event) => updateCustom(field.draftKey, { key: event.target.value })}
                    />
                  </FormField>
                  <FormField label="Type" error={err(`customFields.${index}.type`)}>
                    <NativeSelect
                      value={field.type}
                      options={CUSTOM_TYPES}
                      onChange={(event) => updateCustom(field.draftKey, { type: event.target.value as CustomDraft['type'] })}
                    />
                  </FormField>
                  <div className="flex items-end gap-3 pb-1.5">
                    <label className="flex items-center gap-2 text-sm text-slate-700">
                      <input
                        type="checkbox"
                        checked={field.required}
                        onChange={(event) => updateCustom(field.draftKey, { required: event.target.checked })}
                        className="size-4 rounded border-slate-300 accent-brand-600"
                      />
                      Required
                    </label>
                    <Button
                      variant="ghost"
                      size="icon-sm"
                      aria-label={`Remove ${field.label || 'custom field'}`}
                      onClick={() => setCustom((current) => current.filter((item) => item.draftKey !== field.draftKey))}
                    >
                      <Trash2 aria-hidden />
                    </Button>
                  </div>
                  {field.type === 'select' ? (
                    <FormField
                      label="Choices"
                      className="sm:col-span-4"
                      error={err(`customFields.${index}.options`)}
                      hint="Separate choices with commas."
                    >
                      <Input
                        value={field.optionsText}
                        onChange={(event) => updateCustom(field.draftKey, { optionsText: event.target.value })}
                      />
                    </FormField>
                  ) : null}
                </div>
              ))}
              <div>
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() =>
                    setCustom((current) => [
                      ...current,
                      { draftKey: `cf-${++keySeed}`, key: '', label: '', type: 'text', required: false, optionsText: '' },
                    ])
                  }
                >
                  <Plus aria-hidden />
                  Add custom field
                </Button>
              </div>
            </fieldset>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Who may register" description="Leave everything empty to let every enrolled partner register." />
          <CardBody className="grid gap-5">
            <fieldset>
              <legend className="mb-3 text-sm font-medium text-slate-900">Partner types</legend>
              <div className="grid grid-cols-2 gap-2.5 sm:grid-cols-4">
                {PARTNER_TYPES.map((type) => (
                  <div key={type.value} className="flex items-center gap-2.5">
                    <Checkbox
                      id={`type-${type.value}`}
                      checked={types.has(type.value)}
                      disabled={!canEdit}
                      onCheckedChange={(checked) =>
                        setTypes((current) => {
                          const next = new Set(current);
                          if (checked) next.add(type.value);
                          else next.delete(type.value);
                          return next;
                        })
                      }
                    />
                    <Label htmlFor={`type-${type.value}`} className="font-normal">
                      {type.label}
                    </Label>
                  </div>
                ))}
              </div>
              {err('eligibility.partnerTypes') ? (
                <p className="mt-2 text-[13px] text-red-700">{err('eligibility.partnerTypes')}</p>
              ) : null}
            </fieldset>
            <FormField
              label="Partner tags"
              error={err('eligibility.tags')}
              hint="Partners need one of these tags. Separate tags with commas."
              optional
            >
              <Input name="eligibilityTags" defaultValue={policy.eligibility.tags.join(', ')} placeholder="strategic, emea" />
            </FormField>
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Conflict hierarchy"
            description="When two claims collide, the recommendation applies these rules in order; the first that decides wins."
          />
          <CardBody>
            <ol className="grid gap-2">
              {hierarchy.map((rule, index) => (
                <li key={rule} className="flex items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2.5">
                  <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-brand-50 text-xs font-semibold text-brand-700">
                    {index + 1}
                  </span>
                  <span className="flex-1 text-sm text-slate-800">{HIERARCHY_LABELS[rule] ?? rule}</span>
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    aria-label={`Move “${HIERARCHY_LABELS[rule] ?? rule}” up`}
                    disabled={index === 0 || !canEdit}
                    onClick={() => setHierarchy((current) => move(current, index, -1))}
                  >
                    <ArrowUp aria-hidden />
                  </Button>
                  <Button
                    variant="ghost"
                    size="icon-sm"
                    aria-label={`Move “${HIERARCHY_LABELS[rule] ?? rule}” down`}
                    disabled={index === hierarchy.length - 1 || !canEdit}
                    onClick={() => setHierarchy((current) => move(current, index, 1))}
                  >
                    <ArrowDown aria-hidden />
                  </Button>
                </li>
              ))}
            </ol>
            {err('conflictHierarchy') ? <p className="mt-2 text-[13px] text-red-700">{err('conflictHierarchy')}</p> : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Rules of engagement"
            description="Published to partners in the portal. Markdown: # headings, - lists, **bold**, [links](https://…)."
            actions={
              <Segmented
                label="Editor mode"
                value={preview}
                onChange={setPreview}
                options={[
                  [false, 'Write', Pencil],
                  [true, 'Preview', Eye],
                ]}
              />
            }
          />
          <CardBody>
            {preview ? (
              <div className="min-h-48 rounded-lg border border-slate-200 bg-white p-5">
                {rules.trim() === '' ? (
                  <p className="text-sm text-slate-400">Nothing to preview yet.</p>
                ) : rules === policy.rulesOfEngagement && policy.rulesOfEngagementHtml ? (
                  <div
                    className={PROSE}
                    // biome-ignore lint/security/noDangerouslySetInnerHtml: the server's sanitized render, exactly what partners see.
                    dangerouslySetInnerHTML={{ __html: policy.rulesOfEngagementHtml }}
                  />
                ) : (
                  <>
                    <p className="mb-3 text-xs text-slate-400">Unsaved changes. Partners see the version the server renders after you save.</p>
                    <Markdown source={rules} />
                  </>
                )}
              </div>
            ) : (
              <FormField label="Rules (Markdown)" error={err('rulesOfEngagement')}>
                <Textarea
                  value={rules}
                  onChange={(event) => setRules(event.target.value)}
                  rows={14}
                  className="font-mono text-[13px]"
                  placeholder={'## Who owns a deal\n- The first approved registration is protected for 90 days.\n- Direct opportunities older than 30 days win over new registrations.'}
                />
              </FormField>
            )}
          </CardBody>
        </Card>
      </fieldset>
      {message ? <InlineAlert message={message} /> : null}
      {!message && Object.keys(errors).length > 0 ? (
        <InlineAlert message="Some fields need a fix; they are marked above." />
      ) : null}
      {canEdit ? (
        <div className="flex justify-end">
          <Button type="submit" loading={save.isPending}>
            Save registration policy
          </Button>
        </div>
      ) : null}
    </form>
  );
}
