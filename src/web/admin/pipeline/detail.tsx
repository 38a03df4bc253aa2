import { PartnerPicker } from '../partner-picker';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { ArrowRight, Copy, EyeOff, Link2, Lock, Plus, Split, Trash2, UserRound } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { Deal, Pipeline } from '../../api/types';
import { cn } from '../../lib/cn';
import { formValues } from '../../lib/forms';
import { CREDIT_ROLES, formatBp, labelOf, stageKindTone } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { RecordPageStatus } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { FormField } from '../../ui/form-field';
import { formatDate, formatDateTime, formatMoney, formatRelative } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input, Textarea } from '../../ui/input';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Segmented } from '../../ui/segmented';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

const dealApi = getRouteApi('/app/console/pipeline/$dealId');

/** A deal with its pipeline's stages and the workspace attribution model. */
type DealView = Deal & { pipeline: Pipeline | undefined; attributionModel: 'primary_only' | 'split' };

const eyebrow = (
  <Link to="/app/pipeline" className="hover:text-slate-700 hover:underline">
    Pipeline
  </Link>
);

export function DealPage() {
  const { dealId } = dealApi.useParams();
  const deal = useQuery({
    queryKey: ['deal', dealId],
    queryFn: () => unwrap(api.GET('/api/v1/deals/{id}', { params: { path: { id: dealId } } })),
  });
  const pipelines = useQuery({ queryKey: ['pipelines'], queryFn: () => unwrap(api.GET('/api/v1/pipelines')) });
  const attribution = useQuery({
    queryKey: ['attribution-settings'],
    queryFn: () => unwrap(api.GET('/api/v1/attribution-settings')),
  });
  if (deal.isPending || deal.isError) return <RecordPageStatus query={deal} eyebrow={eyebrow} title="Deal" lines={6} />;
  const data: DealView = {
    ...deal.data,
    pipeline: pipelines.data?.data.find((pipeline) => pipeline.id === deal.data.pipelineId),
    attributionModel: attribution.data?.model ?? 'primary_only',
  };
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={data.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={stageKindTone(data.stage.kind)} dot>
              {data.stage.name}
            </Badge>
            <MoneyValue value={data.amount} className="font-semibold text-slate-900" />
            <span aria-hidden>·</span>
            <span>{data.account.name}</span>
            <span aria-hidden>·</span>
            <span>{data.origin === 'partner' ? 'Partner-sourced' : 'Direct'}</span>
          </span>
        }
        actions={
          data.registrationId ? (
            <Button asChild variant="secondary">
              <Link to="/app/registrations/$registrationId" params={{ registrationId: data.registrationId }}>
                Registration
                <ArrowRight aria-hidden />
              </Link>
            </Button>
          ) : null
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
        <div className="grid content-start gap-6">
          <StageCard deal={data} />
          <Attribution deal={data} />
          <DealFields deal={data} />
        </div>
        <div className="grid content-start gap-6">
          <InternalNotes deal={data} />
          <SignedLinks deal={data} />
        </div>
      </div>
    </>
  );
}

function useDealSaved(dealId: string) {
  const queryClient = useQueryClient();
  return (saved?: Deal) => {
    if (saved) queryClient.setQueryData(['deal', dealId], saved);
    void queryClient.invalidateQueries({ queryKey: ['deal', dealId] });
    void queryClient.invalidateQueries({ queryKey: ['deals'] });
  };
}

function StageCard({ deal }: { deal: DealView }) {
  const canWrite = useCan()('deals:write');
  const saved = useDealSaved(deal.id);
  const [message, setMessage] = React.useState<string | null>(null);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [target, setTarget] = React.useState(deal.stage.id);
  const stages = deal.pipeline?.stages ?? [];
  const current = stages.find((stage) => stage.id === deal.stage.id);
  const targetStage = stages.find((stage) => stage.id === target);
  const move = useMutation({
    mutationFn: (body: { stageId: string; lostReason?: string }) =>
      unwrap(api.POST('/api/v1/deals/{id}/stage', { params: { path: { id: deal.id } }, body })),
    onSuccess: (data) => {
      setMessage(null);
      setErrors({});
      toast({ title: 'Stage changed', description: data.stage.name });
      saved(data);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['lostReason'], onMessage: setMessage }),
  });

  return (
    <Card>
      <CardHeader
        title="Stage"
        description={`${deal.pipeline?.name ?? 'Pipeline'} · win probability ${formatBp(deal.stage.winProbabilityBp)} ${deal.weightedAmount ? ` · weighted ${formatMoney(deal.weightedAmount.amountMinor, deal.weightedAmount.currency)}` : ''}`}
      />
      <CardBody className="grid gap-4">
        <ol className="flex flex-wrap gap-1.5" aria-label="Stages">
          {stages.map((stage) => {
            const isCurrent = stage.id === deal.stage.id;
            const passed = current !== undefined && stage.position < current.position && deal.stage.kind === 'open';
            return (
              <li
                key={stage.id}
                aria-current={isCurrent ? 'step' : undefined}
                className={cn(
                  'rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset',
                  isCurrent
                    ? stage.kind === 'won'
                      ? 'bg-emerald-600 text-white ring-emerald-600'
                      : stage.kind === 'lost'
                        ? 'bg-slate-600 text-white ring-slate-600'
                        : 'bg-brand-600 text-white ring-brand-600'
                    : passed
                      ? 'bg-brand-50 text-brand-700 ring-brand-200'
                      : 'bg-white text-slate-500 ring-slate-200',
                )}
              >
                {stage.name}
              </li>
            );
          })}
        </ol>
        {canWrite ? (
          <form
            noValidate
            className="grid gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              const values = formValues(event.currentTarget);
              if (targetStage?.kind === 'lost' && !values.lostReason) {
                setErrors({ lostReason: 'Say why the deal was lost; it helps the partner and your reports.' });
                return;
              }
              move.mutate({
                stageId: target,
                ...(targetStage?.kind === 'lost' ? { lostReason: values.lostReason ?? '' } : {}),
              });
            }}
          >
            <div className="flex flex-wrap items-end gap-2">
              <FormField label="Move to stage" className="min-w-56 flex-1">
                <NativeSelect
                  name="stageId"
                  value={target}
                  onChange={(event) => {
                    setTarget(event.target.value);
                    setMessage(null);
                  }}
                  options={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
                />
              </FormField>
              <Button type="submit" loading={move.isPending} disabled={target === deal.stage.id}>
                Change stage
              </Button>
            </div>
            {targetStage?.kind === 'lost' ? (
              <FormField label="Lost reason" error={errors.lostReason} required>
                <Input name="lostReason" placeholder="Chose a competitor on price" />
              </FormField>
            ) : null}
            {targetStage && targetStage.requiredFields.length > 0 && target !== deal.stage.id ? (
              <p className="text-[13px] text-slate-500">
                {targetStage.name} needs: {targetStage.requiredFields.join(', ')}.
              </p>
            ) : null}
            {message ? <InlineAlert message={message} /> : null}
          </form>
        ) : null}
        {deal.lostReason ? <p className="text-sm text-slate-600">Lost reason: {deal.lostReason}</p> : null}
      </CardBody>
    </Card>
  );
}

interface CreditDraft {
  key: string;
  partnerId: string;
  role: string;
  share: string;
}

let draftKey = 0;
const nextKey = () => `credit-${++draftKey}`;

function AttributionModelSwitch({ model }: { model: DealView['attributionModel'] }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (next: DealView['attributionModel']) =>
      unwrap(api.PUT('/api/v1/attribution-settings', { body: { model: next } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['attribution-settings'], saved);
      toast({
        title: saved.model === 'split' ? 'Split attribution on' : 'Primary-only attribution on',
        description: 'Applies to credits saved from now on, on every deal.',
      });
    },
    onError: (error) => handleProblem(error),
  });
  return (
    <Segmented
      label="Attribution model"
      value={model}
      onChange={(next) => next !== model && change.mutate(next)}
      options={[
        ['primary_only', 'Primary only', UserRound],
        ['split', 'Split', Split],
      ]}
    />
  );
}

function Attribution({ deal }: { deal: DealView }) {
  const can = useCan();
  const canWrite = can('deals:write');
  const saved = useDealSaved(deal.id);
  const model = deal.attributionModel;
  const initial = React.useCallback(
    (): CreditDraft[] =>
      deal.credits.map((credit) => ({
        key: nextKey(),
        partnerId: credit.partnerId,
        role: credit.role,
        share: String(credit.shareBp / 100),
      })),
    [deal.credits],
  );
  const [rows, setRows] = React.useState<CreditDraft[]>(initial);
  const [editing, setEditing] = React.useState(false);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  React.useEffect(() => {
    if (!editing) setRows(initial());
  }, [editing, initial]);

  const sum =
    model === 'primary_only' && rows.length > 0
      ? 100 * rows.length
      : rows.reduce((total, row) => total + (Number.parseFloat(row.share) || 0), 0);
  const sumOk = rows.length === 0 || Math.abs(sum - 100) < 0.001;
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/deals/{id}/credits', {
          params: { path: { id: deal.id } },
          body: {
            credits: rows.map((row) => ({
              partnerId: row.partnerId,
              role: row.role as 'sourced',
              shareBp: model === 'primary_only' ? 10_000 : Math.round((Number.parseFloat(row.share) || 0) * 100),
            })),
          },
        }),
      ),
    onSuccess: (data) => {
      toast({ title: 'Attribution saved' });
      setEditing(false);
      setErrors({});
      setMessage(null);
      saved(data);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, onMessage: setMessage }),
  });
  const update = (key: string, patch: Partial<CreditDraft>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const rowError = (index: number, field: string) => errors[`credits.${index}.${field}`] ?? errors[`credits.${index}`];

  return (
    <Card>
      <CardHeader
        title="Attribution"
        description={
          model === 'split'
            ? 'Split model: partner shares must add up to 100 %.'
            : 'Primary-only model: one partner gets 100 % of the credit.'
        }
        actions={
          canWrite && !editing ? (
            <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
              Edit credits
            </Button>
          ) : editing && can('workspace:manage') ? (
            <AttributionModelSwitch model={model} />
          ) : null
        }
      />
      {!editing ? (
        <CardBody>
          {deal.credits.length === 0 ? (
            <p className="text-sm text-slate-500">No partner is credited. This is a direct deal.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {deal.credits.map((credit) => (
                <li key={`${credit.partnerId}-${credit.role}`} className="flex items-center justify-between gap-3 py-2.5">
                  <span className="min-w-0">
                    <Link
                      to="/app/partners/$partnerId"
                      params={{ partnerId: credit.partnerId }}
                      className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
                    >
                      {credit.partnerName}
                    </Link>
                    <span className="ml-2">
                      <Badge tone="brand">{labelOf(CREDIT_ROLES, credit.role)}</Badge>
                    </span>
                  </span>
                  <span className="text-sm font-semibold text-slate-900 tabular-nums">{formatBp(credit.shareBp)}</span>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <CardBody className="grid gap-3">
            {rows.length === 0 ? <p className="text-sm text-slate-500">No credits: the deal is direct.</p> : null}
            {rows.map((row, index) => (
              <fieldset key={row.key} className="grid grid-cols-[minmax(0,1fr)_140px_96px_auto] items-start gap-2">
                <legend className="sr-only">Credit {index + 1}</legend>
                <FormField label="Partner" error={rowError(index, 'partnerId')} className={index > 0 ? '[&_label]:sr-only' : ''}>
                  <PartnerPicker value={row.partnerId} onValueChange={(partnerId) => update(row.key, { partnerId })} placeholder="Select a partner" />
                </FormField>
                <FormField label="Role" error={rowError(index, 'role')} className={index > 0 ? '[&_label]:sr-only' : ''}>
                  <NativeSelect value={row.role} onChange={(event) => update(row.key, { role: event.target.value })} options={CREDIT_ROLES} />
                </FormField>
                <FormField label="Share %" error={rowError(index, 'shareBp')} className={index > 0 ? '[&_label]:sr-only' : ''}>
                  <Input
                    type="number"
                    inputMode="decimal"
                    min={0}
                    max={100}
                    step="0.01"
                    value={model === 'primary_only' ? '100' : row.share}
                    disabled={model === 'primary_only'}
                    onChange={(event) => update(row.key, { share: event.target.value })}
                    className="text-right tabular-nums"
                  />
                </FormField>
                <Button
                  variant="ghost"
                  size="icon"
                  aria-label={`Remove credit ${index + 1}`}
                  className={index === 0 ? 'mt-6' : ''}
                  onClick={() => setRows((current) => current.filter((item) => item.key !== row.key))}
                >
                  <Trash2 aria-hidden />
                </Button>
              </fieldset>
            ))}
            <div className="flex flex-wrap items-center justify-between gap-3">
              <Button
                variant="ghost"
                size="sm"
                disabled={model === 'primary_only' && rows.length >= 1}
                onClick={() =>
                  setRows((current) => [
                    ...current,
                    { key: nextKey(), partnerId: '', role: current.length ? 'influenced' : 'sourced', share: current.length ? '0' : '100' },
                  ])
                }
              >
                <Plus aria-hidden />
                Add partner
              </Button>
              <span
                className={cn('text-sm font-medium tabular-nums', sumOk ? 'text-emerald-700' : 'text-red-700')}
                aria-live="polite"
              >
                Total {Number.isInteger(sum) ? sum : sum.toFixed(2)} %{sumOk ? '' : ' · must be 100 %'}
              </span>
            </div>
            {errors.credits ? <InlineAlert message={errors.credits} /> : null}
            {message ? <InlineAlert message={message} /> : null}
          </CardBody>
          <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-100 bg-slate-50/60 px-5 py-3">
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save credits
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}

function DealFields({ deal }: { deal: DealView }) {
  const canWrite = useCan()('deals:write');
  const saved = useDealSaved(deal.id);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (body: { nextStep: string | null; closeDate?: string }) =>
      unwrap(api.PATCH('/api/v1/deals/{id}', { params: { path: { id: deal.id } }, body })),
    onSuccess: (data) => {
      toast({ title: 'Deal saved' });
      setErrors({});
      saved(data);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['nextStep', 'closeDate'] }),
  });
  const facts: [string, React.ReactNode][] = [
    ['Account', deal.account.domain ? `${deal.account.name} (${deal.account.domain})` : deal.account.name],
    ['Amount', <MoneyValue key="amount" value={deal.amount} className="font-medium" />],
    ['Internal owner', deal.owner?.name ?? 'Unassigned'],
    ['Origin', deal.origin === 'partner' ? 'Partner' : 'Direct'],
    ['Renewal', deal.isRenewal ? 'Yes' : 'No'],
    ['Created', formatDate(deal.createdAt)],
    ...(deal.closedAt ? [['Closed', formatDateTime(deal.closedAt)] as [string, React.ReactNode]] : []),
  ];
  return (
    <Card>
      <CardHeader title="Details" />
      <CardBody className="grid gap-5">
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-[13px] text-slate-500">{label}</dt>
              <dd className="text-sm text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
        <form
          noValidate
          key={deal.updatedAt}
          className="grid gap-4 border-t border-slate-100 pt-4"
          onSubmit={(event) => {
            event.preventDefault();
            const values = formValues(event.currentTarget);
            save.mutate({ nextStep: values.nextStep || null, ...(values.closeDate ? { closeDate: values.closeDate } : {}) });
          }}
        >
          <fieldset disabled={!canWrite} className="contents">
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-[minmax(0,1fr)_180px]">
              <FormField label="Next step" error={errors.nextStep} hint="Partners credited on the deal can see the next step.">
                <Input name="nextStep" defaultValue={deal.nextStep ?? ''} placeholder="Security review call on Tuesday" />
              </FormField>
              <FormField label="Close date" error={errors.closeDate}>
                <Input name="closeDate" type="date" defaultValue={deal.closeDate ?? ''} />
              </FormField>
            </div>
          </fieldset>
          {canWrite ? (
            <div className="flex justify-end">
              <Button type="submit" variant="secondary" loading={save.isPending}>
                Save details
              </Button>
            </div>
          ) : null}
        </form>
      </CardBody>
    </Card>
  );
}

function InternalNotes({ deal }: { deal: DealView }) {
  const canWrite = useCan()('deals:write');
  const saved = useDealSaved(deal.id);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (internalNotes: string) =>
      unwrap(api.PATCH('/api/v1/deals/{id}', { params: { path: { id: deal.id } }, body: { internalNotes } })),
    onSuccess: (data) => {
      toast({ title: 'Internal notes saved' });
      saved(data);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['internalNotes'] }),
  });
  return (
    <Card className="border-amber-200 bg-amber-50/40">
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <Lock className="size-4 text-amber-700" aria-hidden />
            Internal notes
          </span>
        }
        description={
          <span className="inline-flex items-center gap-1.5 font-medium text-amber-800">
            <EyeOff className="size-3.5" aria-hidden />
            Internal — never shown to partners
          </span>
        }
      />
      <form
        noValidate
        key={deal.updatedAt}
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(formValues(event.currentTarget).internalNotes ?? '');
        }}
      >
        <CardBody className="grid gap-3">
          <FormField label="Notes for your team" error={errors.internalNotes}>
            <Textarea
              name="internalNotes"
              rows={5}
              defaultValue={deal.internalNotes ?? ''}
              disabled={!canWrite}
              placeholder="Discount approved up to 12 %; champion is the VP Ops."
              className="bg-white"
            />
          </FormField>
          {canWrite ? (
            <div className="flex justify-end">
              <Button type="submit" variant="secondary" loading={save.isPending}>
                Save notes
              </Button>
            </div>
          ) : null}
        </CardBody>
      </form>
    </Card>
  );
}

function SignedLinks({ deal }: { deal: DealView }) {
  const canWrite = useCan()('deals:write');
  const queryClient = useQueryClient();
  const [open, setOpen] = React.useState(false);
  const [created, setCreated] = React.useState<{ url: string; expiresAt: string } | null>(null);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const links = useQuery({
    queryKey: ['deal', deal.id, 'links'],
    queryFn: () => unwrap(api.GET('/api/v1/deals/{id}/signed-links', { params: { path: { id: deal.id } } })),
  });
  const create = useMutation({
    mutationFn: (body: { partnerId: string; expiresInDays: number }) =>
      unwrap(api.POST('/api/v1/deals/{id}/signed-links', { params: { path: { id: deal.id } }, body })),
    onSuccess: (data) => {
      if (data.url) setCreated({ url: data.url, expiresAt: data.expiresAt });
      void queryClient.invalidateQueries({ queryKey: ['deal', deal.id, 'links'] });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['partnerId', 'expiresInDays'] }),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/signed-links/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      toast({ title: 'Link revoked' });
      void queryClient.invalidateQueries({ queryKey: ['deal', deal.id, 'links'] });
    },
    onError: (error) => handleProblem(error),
  });
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      toast({ title: 'Link copied' });
    } catch {
      toast({ tone: 'info', title: 'Copy the link from the box' });
    }
  };
  return (
    <Card>
      <CardHeader
        title="Partner link"
        description="Let a credited partner view this deal and update the next step without signing in."
        actions={
          canWrite && deal.credits.length > 0 ? (
            <Button
              size="sm"
              variant="secondary"
              onClick={() => {
                setCreated(null);
                setOpen(true);
              }}
            >
              <Link2 aria-hidden />
              Create link
            </Button>
          ) : null
        }
      />
      <CardBody>
        {links.isPending ? (
          <LoadingBlock lines={2} />
        ) : links.isError ? (
          <p className="text-sm text-slate-500">Links are not available.</p>
        ) : links.data.data.length === 0 ? (
          <p className="text-sm text-slate-500">
            {deal.credits.length > 0 ? 'No link shared yet.' : 'Credit a partner first to share the deal with them.'}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {links.data.data.map((link) => {
              const active = !link.revokedAt && new Date(link.expiresAt).getTime() > Date.now();
              return (
                <li key={link.id} className="flex items-center justify-between gap-3 py-2.5 text-sm">
                  <span className="min-w-0">
                    <span className="block truncate font-medium text-slate-900">{link.partnerName}</span>
                    <span className="block text-xs text-slate-500">
                      {link.revokedAt
                        ? `Revoked ${formatRelative(link.revokedAt)}`
                        : active
                          ? `Expires ${formatRelative(link.expiresAt)}`
                          : 'Expired'}
                      {link.lastViewedAt ? ` · viewed ${formatRelative(link.lastViewedAt)}` : ''}
                    </span>
                  </span>
                  {active && canWrite ? (
                    <Button variant="destructive-ghost" size="sm" loading={revoke.isPending} onClick={() => revoke.mutate(link.id)}>
                      Revoke
                    </Button>
                  ) : (
                    <Badge tone="muted">{link.revokedAt ? 'Revoked' : active ? 'Active' : 'Expired'}</Badge>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </CardBody>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent title="Share this deal with a partner" description="Anyone with the link can view the partner-safe fields until it expires.">
          {created ? (
            <div className="grid gap-3">
              <FormField label="Link" hint={`Expires ${formatDateTime(created.expiresAt)}. It is shown only once.`}>
                <Input readOnly value={created.url} onFocus={(event) => event.currentTarget.select()} className="font-mono text-[13px]" />
              </FormField>
              <DialogFooter>
                <Button variant="secondary" onClick={() => setOpen(false)}>
                  Done
                </Button>
                <Button onClick={() => void copy(created.url)}>
                  <Copy aria-hidden />
                  Copy link
                </Button>
              </DialogFooter>
            </div>
          ) : (
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                const values = formValues(event.currentTarget);
                if (!values.partnerId) return setErrors({ partnerId: 'Choose a partner.' });
                create.mutate({ partnerId: values.partnerId, expiresInDays: Number(values.expiresInDays || 14) });
              }}
            >
              <div className="grid gap-4">
                <FormField label="Partner" error={errors.partnerId} required>
                  <NativeSelect
                    name="partnerId"
                    defaultValue={deal.credits[0]?.partnerId ?? ''}
                    options={[...new Map(deal.credits.map((credit) => [credit.partnerId, credit.partnerName]))].map(
                      ([value, label]) => ({ value, label }),
                    )}
                  />
                </FormField>
                <FormField label="Expires after" error={errors.expiresInDays}>
                  <NativeSelect
                    name="expiresInDays"
                    defaultValue="14"
                    options={[
                      { value: '1', label: '1 day' },
                      { value: '7', label: '7 days' },
                      { value: '14', label: '14 days' },
                      { value: '30', label: '30 days' },
                    ]}
                  />
                </FormField>
              </div>
              <DialogFooter>
                <Button variant="secondary" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending}>
                  Create link
                </Button>
              </DialogFooter>
            </form>
          )}
        </DialogContent>
      </Dialog>
    </Card>
  );
}
