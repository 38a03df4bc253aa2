import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { BookOpen, Layers } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { CustomFieldDefinition, RegistrationForm } from '../../api/types';
import { formValues, useFieldErrors } from '../../lib/forms';
import { countryOptions } from '../../lib/regions';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { Card, CardBody } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { decimalToMinor } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input, Textarea } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

const registerApi = getRouteApi('/portal/portal-shell/deals/register');

const eyebrow = (
  <Link to="/portal/deals" className="hover:text-slate-700 hover:underline">
    Deals
  </Link>
);

export function PortalRegisterPage() {
  const { programId: chosen } = registerApi.useSearch();
  const navigate = useNavigate({ from: '/portal/deals/register' });
  const programs = useQuery({
    queryKey: ['portal', 'programs'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/programs')),
  });
  const list = programs.data?.data ?? [];
  const programId = chosen ?? (list.length === 1 ? list[0]?.id : undefined);

  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title="Register a deal"
        description="Tell us about the opportunity. Once approved, it is protected for you."
      />
      {programs.isError ? <QueryError error={programs.error} retry={() => void programs.refetch()} /> : null}
      {programs.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={6} />
        </Card>
      ) : list.length === 0 ? (
        <Card>
          <EmptyState
            icon={Layers}
            title="No program to register in"
            description="You can register deals once you are part of a program. Your contact will let you know."
          />
        </Card>
      ) : (
        <div className="grid gap-4">
          {list.length > 1 ? (
            <Card>
              <CardBody>
                <FormField label="Program" hint="The program this deal belongs to decides its fields and rules.">
                  <NativeSelect
                    value={programId ?? ''}
                    placeholder="Choose a program"
                    options={list.map((program) => ({ value: program.id, label: program.name }))}
                    onChange={(event) =>
                      void navigate({ search: { programId: event.target.value || undefined }, replace: true })
                    }
                  />
                </FormField>
              </CardBody>
            </Card>
          ) : null}
          {programId ? <RegistrationFormCard programId={programId} key={programId} /> : null}
        </div>
      )}
    </>
  );
}

const BASE_FIELDS = [
  'accountName',
  'accountDomain',
  'accountCountry',
  'contactName',
  'contactEmail',
  'contactPhone',
  'amount',
  'expectedCloseDate',
  'products',
  'notes',
] as const;

/** API error paths (account.name, amount.amountMinor, customFields.x) → the form's field names. */
function fieldName(path: string): string {
  const clean = path.replace(/^\/+/, '').replaceAll('/', '.');
  const [head, second] = clean.split('.');
  if (head === 'account') return `account${capital(second ?? 'name')}`;
  if (head === 'contact') return `contact${capital(second ?? 'name')}`;
  if (head === 'customFields') return `custom.${second ?? ''}`;
  return head ?? clean;
}
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "1,234.50" in the currency's minor units → "123450"; null when it is not a number. */

function RegistrationFormCard({ programId }: { programId: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useQuery({
    queryKey: ['portal', 'registration-form', programId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/portal/programs/{id}/registration-form', { params: { path: { id: programId } } }),
      ),
  });
  if (form.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={6} />
      </Card>
    );
  if (form.isError) return <QueryError error={form.error} retry={() => void form.refetch()} />;
  const definition = form.data;
  if (!definition.eligible) {
    return (
      <Card>
        <EmptyState
          icon={Layers}
          title="Registration is not open to you in this program"
          description={definition.ineligibleReason ?? 'Contact your partner manager to find out more.'}
        />
      </Card>
    );
  }
  return (
    <RegistrationFields
      definition={definition}
      submit={async (body) => {
        const created = await unwrap(api.POST('/api/v1/portal/registrations', { body: { ...body, programId } }));
        toast({ title: 'Deal registered', description: 'We will let you know when it is reviewed.' });
        void queryClient.invalidateQueries({ queryKey: ['portal', 'registrations'] });
        await navigate({ to: '/portal/deals/registrations/$registrationId', params: { registrationId: created.id } });
      }}
      footer={
        <Link
          to="/portal/programs/$programId/rules"
          params={{ programId }}
          className="inline-flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline"
        >
          <BookOpen className="size-4" aria-hidden />
          Rules of engagement
        </Link>
      }
    />
  );
}

export type RegistrationBody = ReturnType<typeof createBody>;

/**
 * The registration form for a program's fields (the portal and the public link share it):
 * required fields marked, errors next to each field, a 409 duplicate shown at the top.
 */
export function RegistrationFields({
  definition,
  submit,
  footer,
}: {
  definition: Pick<RegistrationForm, 'currency' | 'requiredFields' | 'customFields'>;
  submit: (body: RegistrationBody) => Promise<unknown>;
  footer?: React.ReactNode;
}) {
  const { errors, setErrors } = useFieldErrors();
  const [message, setMessage] = React.useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: submit,
    onError: (error) =>
      handleProblem(error, {
        setFieldErrors: setErrors,
        mapPath: fieldName,
        onMessage: (text, problem) =>
          setMessage(typeof problem.existingId === 'string' ? `${text} You already registered this customer.` : text),
      }),
  });
  const required = new Set<string>(definition.requiredFields);
  required.add('accountName');
  const req = (field: (typeof BASE_FIELDS)[number]) => required.has(field);

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setMessage(null);
    const values = formValues(event.currentTarget);
    const local: Record<string, string> = {};
    for (const field of BASE_FIELDS) if (req(field) && !values[field]) local[field] = 'This field is required.';
    for (const field of definition.customFields)
      if (field.required && !values[`custom.${field.key}`]) local[`custom.${field.key}`] = 'This field is required.';
    let amountMinor: string | null = null;
    if (values.amount) {
      amountMinor = decimalToMinor(values.amount, definition.currency);
      if (amountMinor === null) local.amount = 'Enter an amount such as 25000 or 25000.50.';
    }
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    mutation.mutate(createBody({ definition, values, amountMinor }));
  };

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate>
        <CardBody className="grid gap-6 p-5 sm:p-6">
          {message ? <InlineAlert message={message} /> : null}
          <fieldset className="grid gap-4">
            <legend className="mb-1 text-sm font-semibold text-slate-900">Customer</legend>
            <FormField label="Company name" error={errors.accountName} required>
              <Input name="accountName" autoComplete="organization" placeholder="Globex Corporation" />
            </FormField>
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <FormField label="Website or domain" error={errors.accountDomain} required={req('accountDomain')} optional={!req('accountDomain')}>
                <Input name="accountDomain" inputMode="url" autoCapitalize="none" placeholder="globex.com" />
              </FormField>
              <FormField label="Country" error={errors.accountCountry} required={req('accountCountry')} optional={!req('accountCountry')}>
                <NativeSelect name="accountCountry" defaultValue="" placeholder="Select a country" options={countryOptions()} />
              </FormField>
            </div>
          </fieldset>
          <fieldset className="grid gap-4">
            <legend className="mb-1 text-sm font-semibold text-slate-900">Contact at the customer</legend>
            <FormField label="Contact name" error={errors.contactName} required={req('contactName')} optional={!req('contactName')}>
              <Input name="contactName" autoComplete="off" />
            </FormField>
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <FormField label="Contact email" error={errors.contactEmail} required={req('contactEmail')} optional={!req('contactEmail')}>
                <Input name="contactEmail" type="email" inputMode="email" autoCapitalize="none" autoComplete="off" />
              </FormField>
              <FormField label="Contact phone" error={errors.contactPhone} required={req('contactPhone')} optional={!req('contactPhone')}>
                <Input name="contactPhone" type="tel" autoComplete="off" />
              </FormField>
            </div>
          </fieldset>
          <fieldset className="grid gap-4">
            <legend className="mb-1 text-sm font-semibold text-slate-900">Opportunity</legend>
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
              <FormField
                label={`Estimated amount (${definition.currency})`}
                error={errors.amount}
                required={req('amount')}
                optional={!req('amount')}
              >
                <Input name="amount" inputMode="decimal" placeholder="48000" />
              </FormField>
              <FormField label="Expected close date" error={errors.expectedCloseDate} required={req('expectedCloseDate')} optional={!req('expectedCloseDate')}>
                <Input name="expectedCloseDate" type="date" />
              </FormField>
            </div>
            <FormField
              label="Products"
              error={errors.products}
              hint="Separate several with commas."
              required={req('products')}
              optional={!req('products')}
            >
              <Input name="products" placeholder="Platform, Analytics add-on" />
            </FormField>
            {definition.customFields.map((field) => (
              <CustomField key={field.key} field={field} error={errors[`custom.${field.key}`]} />
            ))}
            <FormField label="Notes" error={errors.notes} required={req('notes')} optional={!req('notes')}>
              <Textarea name="notes" rows={4} placeholder="How you found the opportunity, who is involved, what they need." />
            </FormField>
          </fieldset>
        </CardBody>
        <div className="flex flex-col-reverse gap-3 rounded-b-xl border-t border-slate-100 bg-slate-50/60 px-5 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <div>{footer}</div>
          <Button type="submit" size="lg" loading={mutation.isPending}>
            Submit registration
          </Button>
        </div>
      </form>
    </Card>
  );
}

function CustomField({ field, error }: { field: CustomFieldDefinition; error: string | undefined }) {
  const name = `custom.${field.key}`;
  const control =
    field.type === 'select' ? (
      <NativeSelect
        name={name}
        defaultValue=""
        placeholder="Select…"
        options={(field.options ?? []).map((option) => ({ value: option, label: option }))}
      />
    ) : (
      <Input
        name={name}
        type={field.type === 'date' ? 'date' : 'text'}
        inputMode={field.type === 'number' ? 'decimal' : undefined}
      />
    );
  return (
    <FormField label={field.label} error={error} required={field.required} optional={!field.required}>
      {control}
    </FormField>
  );
}

function createBody({
  definition,
  values,
  amountMinor,
}: {
  definition: Pick<RegistrationForm, 'currency' | 'customFields'>;
  values: Record<string, string>;
  amountMinor: string | null;
}) {
  const customFields: Record<string, string | number | null> = {};
  for (const field of definition.customFields) {
    const value = values[`custom.${field.key}`] ?? '';
    customFields[field.key] = value === '' ? null : field.type === 'number' && !Number.isNaN(Number(value)) ? Number(value) : value;
  }
  const text = (key: string) => values[key] || null;
  return {
    account: { name: text('accountName'), domain: text('accountDomain'), country: text('accountCountry') },
    contact: { name: text('contactName'), email: text('contactEmail'), phone: text('contactPhone') },
    amount: amountMinor ? { amountMinor, currency: definition.currency } : null,
    expectedCloseDate: text('expectedCloseDate'),
    products: (values.products ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
    notes: values.notes ?? '',
    customFields,
  };
}
