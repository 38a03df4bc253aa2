import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { ArrowRight, Users } from 'lucide-react';
import type * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { PartnerType, Program, ProgramInput, ProgramStatus } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { labelOf, PARTNER_TYPES, PROGRAM_STATUSES, programStatusTone } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { currencyOptions } from '../../lib/regions';
import { RecordPageStatus } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { FormField } from '../../ui/form-field';
import { formatDate, formatNumber } from '../../ui/format';
import { Input, Textarea } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { TrackingSettingsSection } from '../links/tracking-settings';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { toast } from '../../ui/toast';
import type { ProgramTab } from '../../router/search';
import { SharingRulesEditor } from '../settings/sharing-rules';
import { RegistrationPolicySection } from './registration-policy';
import { TiersCard } from './tiers';
import { CommissionPlanSection } from '../commissions/plan-editor';

const programApi = getRouteApi('/app/console/programs/$programId');
const FIELDS = ['name', 'partnerType', 'description', 'terms', 'currency', 'status'] as const;

const eyebrow = (
  <Link to="/app/programs" className="hover:text-slate-700 hover:underline">
    Program list
  </Link>
);

export function NewProgramPage() {
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title="New program"
        description="Start with the basics. Tiers, commissions and policies build on this program."
      />
      <ProgramForm />
    </>
  );
}

export function ProgramPage() {
  const { programId } = programApi.useParams();
  const { tab = 'general' } = programApi.useSearch();
  const navigate = useNavigate({ from: '/app/programs/$programId' });
  const can = useCan();
  const program = useQuery({
    queryKey: ['program', programId],
    queryFn: () => unwrap(api.GET('/api/v1/programs/{id}', { params: { path: { id: programId } } })),
  });
  if (program.isPending || program.isError) return <RecordPageStatus query={program} eyebrow={eyebrow} title="Program" lines={6} />;
  const data = program.data;
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={data.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={programStatusTone(data.status)} dot>
              {labelOf(PROGRAM_STATUSES, data.status)}
            </Badge>
            <span>{labelOf(PARTNER_TYPES, data.partnerType)}</span>
            <span aria-hidden>·</span>
            <span>{data.currency}</span>
            <span aria-hidden>·</span>
            <span>Created {formatDate(data.createdAt)}</span>
          </span>
        }
      />
      <Tabs
        value={tab}
        onValueChange={(next) =>
          void navigate({ search: { tab: next === 'general' ? undefined : (next as ProgramTab) }, replace: true })
        }
      >
        <TabsList aria-label="Program sections">
          <TabsTrigger value="general">General</TabsTrigger>
          {can('registrations:read') ? <TabsTrigger value="registration">Registration policy</TabsTrigger> : null}
          {can('sharing:manage') ? <TabsTrigger value="sharing">Sharing rules</TabsTrigger> : null}
          {can('commissions:read') ? <TabsTrigger value="commissions">Commission plan</TabsTrigger> : null}
        </TabsList>
        <TabsContent value="general">
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_300px]">
            <ProgramForm program={data} key={data.updatedAt} />
            <div className="grid content-start gap-6">
              <ProgramPartners program={data} />
              <TiersCard programId={data.id} />
              {can('links:read') ? <TrackingSettingsSection programId={data.id} /> : null}
            </div>
          </div>
        </TabsContent>
        <TabsContent value="registration">
          <RegistrationPolicySection programId={data.id} />
        </TabsContent>
        <TabsContent value="sharing">
          <SharingRulesEditor programId={data.id} />
        </TabsContent>
        <TabsContent value="commissions">
          <CommissionPlanSection programId={data.id} currency={data.currency} />
        </TabsContent>
      </Tabs>
    </>
  );
}

function ProgramPartners({ program }: { program: Program }) {
  return (
    <Card className="self-start">
      <CardHeader title="Enrolled partners" />
      <CardBody className="grid gap-3">
        <p className="flex items-center gap-2 text-3xl font-semibold tracking-tight text-slate-900 tabular-nums">
          <Users className="size-5 text-slate-400" aria-hidden />
          {formatNumber(program.enrolledPartners)}
        </p>
        <p className="text-sm text-slate-500">Enroll partners from their page, under the Programs tab.</p>
        {program.enrolledPartners > 0 ? (
          <Link
            to="/app/partners"
            search={{ programId: program.id }}
            className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline"
          >
            See who is enrolled
            <ArrowRight className="size-3.5" aria-hidden />
          </Link>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ProgramForm({ program }: { program?: Program }) {
  const readOnly = !useCan()('programs:write');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();

  const save = useMutation({
    mutationFn: (body: ProgramInput) =>
      program
        ? unwrap(api.PATCH('/api/v1/programs/{id}', { params: { path: { id: program.id } }, body }))
        : unwrap(api.POST('/api/v1/programs', { body })),
    onSuccess: async (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['programs'] });
      queryClient.setQueryData(['program', saved.id], saved);
      toast({ title: program ? 'Program saved' : 'Program created', description: saved.name });
      if (!program) await navigate({ to: '/app/programs/$programId', params: { programId: saved.id } });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: FIELDS }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Program name', partnerType: 'Partner type', currency: 'Currency' });
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    save.mutate({
      name: values.name ?? '',
      partnerType: values.partnerType as PartnerType,
      description: values.description ?? '',
      terms: values.terms ?? '',
      currency: (values.currency ?? '').toUpperCase(),
      status: (values.status || 'draft') as ProgramStatus,
    });
  };

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate>
        <fieldset disabled={readOnly} className="contents">
          <CardBody className="grid gap-5 p-6">
            <FormField label="Program name" error={errors.name} hint="Partners see this name." required>
              <Input name="name" defaultValue={program?.name ?? ''} placeholder="Referral program" autoComplete="off" />
            </FormField>
            <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
              <FormField label="Partner type" error={errors.partnerType} required>
                <NativeSelect
                  name="partnerType"
                  defaultValue={program?.partnerType ?? ''}
                  placeholder="Select a type"
                  options={PARTNER_TYPES}
                />
              </FormField>
              <FormField label="Currency" error={errors.currency} hint="Commissions and payouts use it." required>
                <NativeSelect name="currency" defaultValue={program?.currency ?? 'USD'} options={currencyOptions()} />
              </FormField>
            </div>
            <FormField
              label="Description"
              error={errors.description}
              hint="What the program offers, in a sentence or two."
              optional
            >
              <Textarea name="description" rows={3} defaultValue={program?.description ?? ''} />
            </FormField>
            <FormField label="Terms" error={errors.terms} hint="The agreement partners accept when they join." optional>
              <Textarea name="terms" rows={6} defaultValue={program?.terms ?? ''} />
            </FormField>
            <FormField
              label="Status"
              error={errors.status}
              hint="Draft programs are hidden from partners; archived ones take no new partners."
            >
              <NativeSelect name="status" defaultValue={program?.status ?? 'draft'} options={PROGRAM_STATUSES} />
            </FormField>
          </CardBody>
        </fieldset>
        {readOnly ? null : (
          <div className="flex flex-col-reverse gap-2 rounded-b-xl border-t border-slate-100 bg-slate-50/60 px-6 py-4 sm:flex-row sm:justify-end">
            <Button asChild variant="secondary">
              <Link to="/app/programs">Cancel</Link>
            </Button>
            <Button type="submit" loading={save.isPending}>
              {program ? 'Save changes' : 'Create program'}
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
