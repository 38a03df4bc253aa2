import { PartnerPicker } from '../partner-picker';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Receipt, SearchX, UserPlus } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { ItemOf } from '../../api/types';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge, type BadgeTone } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDateTime } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect, Select } from '../../ui/select';
import { toast } from '../../ui/toast';

type Conversion = ItemOf<'/api/v1/conversions'>;
type Status = Conversion['accrualStatus'];

const KINDS = [
  { value: 'lead', label: 'Lead' },
  { value: 'sale', label: 'Sale' },
  { value: 'refund', label: 'Refund' },
  { value: 'dispute_opened', label: 'Dispute opened' },
  { value: 'dispute_won', label: 'Dispute won' },
  { value: 'dispute_lost', label: 'Dispute lost' },
  { value: 'cancellation', label: 'Cancellation' },
] as const;
const SOURCES = [
  { value: 'tracking_api', label: 'Tracking API' },
  { value: 'stripe', label: 'Stripe' },
  { value: 'paddle', label: 'Paddle' },
  { value: 'lemonsqueezy', label: 'LemonSqueezy' },
  { value: 'manual', label: 'Manual' },
] as const;
const STATUSES: { value: Status; label: string; tone: BadgeTone }[] = [
  { value: 'unattributed', label: 'Unattributed', tone: 'warning' },
  { value: 'pending', label: 'Pending', tone: 'brand' },
  { value: 'accrued', label: 'Accrued', tone: 'success' },
  { value: 'no_plan', label: 'No plan', tone: 'muted' },
  { value: 'waiting_original', label: 'Awaits sale', tone: 'neutral' },
];
const labelOf = (list: readonly { value: string; label: string }[], value: string) => list.find((i) => i.value === value)?.label ?? value;

export function ConversionsPage() {
  const can = useCan();
  const [status, setStatus] = React.useState('');
  const [kind, setKind] = React.useState('');
  const [source, setSource] = React.useState('');
  const [partnerId, setPartnerId] = React.useState('');
  const [attributing, setAttributing] = React.useState<Conversion | null>(null);
  const pager = useCursorPager(JSON.stringify([status, kind, source, partnerId]));
  const query = {
    limit: 25,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(status ? { status: status as Status } : {}),
    ...(kind ? { kind: kind as Conversion['kind'] } : {}),
    ...(source ? { source: source as Conversion['source'] } : {}),
    ...(partnerId ? { partnerId } : {}),
  };
  const conversions = useQuery({
    queryKey: ['conversions', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/conversions', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const unattributed = useQuery({
    queryKey: ['conversions', 'unattributed-count'],
    queryFn: () => unwrap(api.GET('/api/v1/conversions', { params: { query: { status: 'unattributed', limit: 100 } } })),
  });
  const waiting = unattributed.data?.data.length ?? 0;
  const hasFilters = Boolean(status || kind || source || partnerId);

  const columns: Column<Conversion>[] = [
    { id: 'when', header: 'When', cell: (c) => <span className="whitespace-nowrap text-slate-600">{formatDateTime(c.occurredAt)}</span> },
    {
      id: 'kind',
      header: 'Kind',
      cell: (c) => <Badge tone={c.kind === 'sale' ? 'success' : c.kind === 'lead' ? 'brand' : 'danger'}>{labelOf(KINDS, c.kind)}</Badge>,
    },
    {
      id: 'customer',
      header: 'Customer',
      cell: (c) =>
        c.customer ? (
          <span className="grid">
            <span className="text-slate-900">{c.customer.name || c.customer.email || c.customer.externalId}</span>
            {c.customer.email && c.customer.externalId ? <span className="text-xs text-slate-400">{c.customer.externalId}</span> : null}
          </span>
        ) : (
          <span className="text-slate-400">Unknown</span>
        ),
    },
    {
      id: 'partner',
      header: 'Partner',
      cell: (c) =>
        c.partnerId ? (
          <span className="grid">
            <span>{c.partnerName}</span>
            {c.linkCode ? <span className="text-xs text-slate-400">via {c.linkCode}</span> : null}
          </span>
        ) : can('conversions:attribute') && c.accrualStatus === 'unattributed' ? (
          <Button size="sm" variant="secondary" onClick={() => setAttributing(c)}>
            <UserPlus aria-hidden />
            Attribute to partner
          </Button>
        ) : (
          <Badge tone="warning">Unattributed</Badge>
        ),
    },
    { id: 'amount', header: 'Amount', align: 'right', cell: (c) => <MoneyValue value={c.amount} /> },
    { id: 'source', header: 'Source', cell: (c) => <span className="text-slate-600">{labelOf(SOURCES, c.source)}</span>, hideOnMobile: true },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => {
        const s = STATUSES.find((x) => x.value === c.accrualStatus);
        return <Badge tone={s?.tone ?? 'neutral'}>{s?.label ?? c.accrualStatus}</Badge>;
      },
      hideOnMobile: true,
    },
  ];

  return (
    <>
      <PageHeader
        title="Conversions"
        description="Leads, sales, refunds and disputes from the tracking API and billing webhooks, with the partner each one is credited to."
        actions={
          waiting > 0 ? (
            <Button variant="secondary" onClick={() => setStatus('unattributed')}>
              {waiting === 100 ? '100+' : waiting} to attribute
            </Button>
          ) : null
        }
      />
      {conversions.isError ? <QueryError error={conversions.error} retry={() => void conversions.refetch()} /> : null}
      <DataTable
        label="Conversions"
        columns={columns}
        rows={conversions.data?.data}
        getRowId={(c) => c.id}
        loading={conversions.isFetching}
        toolbar={
          <>
            <Select label="Filter by status" allLabel="Any status" value={status} onValueChange={setStatus} options={STATUSES} className="w-48" size="sm" />
            <Select label="Filter by kind" allLabel="All kinds" value={kind} onValueChange={setKind} options={KINDS} className="w-40" size="sm" />
            <Select label="Filter by source" allLabel="All sources" value={source} onValueChange={setSource} options={SOURCES} className="w-40" size="sm" />
            <PartnerPicker label="Filter by partner" allLabel="All partners" value={partnerId} onValueChange={setPartnerId} className="w-44" size="sm" />
          </>
        }
        empty={
          hasFilters ? (
            <EmptyState icon={SearchX} title="No conversion matches these filters" description="Try another status, kind, source or partner." />
          ) : (
            <EmptyState
              icon={Receipt}
              title="No conversions yet"
              description="Send leads and sales with the tracking API (POST /api/v1/track/lead and /track/sale) or connect a billing provider; each one is credited to the partner whose link brought the customer."
            />
          )
        }
        renderExpanded={(c) => <Explanation conversion={c} />}
        pagination={pager.pagination(conversions.data?.nextCursor)}
      />
      <AttributeDialog conversion={attributing} onClose={() => setAttributing(null)} />
    </>
  );
}

function Explanation({ conversion: c }: { conversion: Conversion }) {
  const attribution = (c.details.attribution ?? {}) as { via?: string | null; note?: string; ignored?: string[]; by?: string };
  const via: Record<string, string> = {
    click: 'the click id passed at sign-up (within the attribution window)',
    partner_code: 'the partner code sent with the conversion',
    bound_customer: 'the customer, already bound to this partner',
    original_sale: 'the sale it reverses',
    manual: `manual attribution${attribution.by ? ` by ${attribution.by}` : ''}`,
  };
  return (
    <dl className="grid gap-2 py-2 text-sm sm:grid-cols-2">
      <div>
        <dt className="text-xs text-slate-500">Credited through</dt>
        <dd>{attribution.via ? via[attribution.via] ?? attribution.via : 'nothing yet: no click id, partner code or bound customer matched'}</dd>
        {attribution.note ? <dd className="text-xs text-slate-500">{attribution.note}</dd> : null}
        {attribution.ignored?.map((reason) => (
          <dd key={reason} className="text-xs text-amber-700">
            Ignored: {reason}
          </dd>
        ))}
      </div>
      <div>
        <dt className="text-xs text-slate-500">References</dt>
        <dd className="font-mono text-xs text-slate-600">
          {c.id}
          {c.externalRef ? ` · ${c.externalRef}` : ''}
          {c.originalRef ? ` · reverses ${c.originalRef}` : ''}
          {c.clickId ? ` · ${c.clickId}` : ''}
        </dd>
        {c.product ? <dd className="text-xs text-slate-500">Product: {c.product}</dd> : null}
      </div>
    </dl>
  );
}

function AttributeDialog({ conversion, onClose }: { conversion: Conversion | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const [partnerId, setPartnerId] = React.useState('');
  const enrollments = useQuery({
    queryKey: ['partner', partnerId, 'enrollments'],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}/enrollments', { params: { path: { id: partnerId } } })),
    enabled: Boolean(partnerId),
  });
  const attribute = useMutation({
    mutationFn: (body: { partnerId: string; programId?: string }) =>
      unwrap(api.POST('/api/v1/conversions/{id}/attribute', { params: { path: { id: conversion?.id ?? '' } }, body })),
    onSuccess: (c) => {
      toast({ title: 'Conversion attributed', description: `Credited to ${c.partnerName}; the customer stays with them.` });
      void queryClient.invalidateQueries({ queryKey: ['conversions'] });
      setPartnerId('');
      setErrors({});
      setMessage(null);
      onClose();
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['partnerId', 'programId'], onMessage: setMessage }),
  });
  const programOptions = (enrollments.data?.data ?? []).map((e) => ({ value: e.programId, label: e.programName }));
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const programId = String(data.get('programId') ?? '');
    attribute.mutate({ partnerId, ...(programId ? { programId } : {}) });
  };
  return (
    <Dialog open={conversion !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <DialogContent
        title="Attribute to a partner"
        description={
          conversion
            ? `${labelOf(KINDS, conversion.kind)} of ${conversion.customer?.email ?? conversion.customer?.externalId ?? 'an unknown customer'} on ${formatDateTime(conversion.occurredAt)}. The customer is bound to the partner: later purchases are credited to them too.`
            : undefined
        }
      >
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {message ? <InlineAlert message={message} /> : null}
          <FormField label="Partner" error={errors.partnerId} required>
            <PartnerPicker value={partnerId} onValueChange={setPartnerId} />
          </FormField>
          {conversion?.programId ? null : (
            <FormField label="Program" error={errors.programId} hint="Needed when the partner is in several programs.">
              <NativeSelect name="programId" options={programOptions} placeholder={programOptions.length === 1 ? undefined : 'Choose a program'} />
            </FormField>
          )}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!partnerId || attribute.isPending}>
              {attribute.isPending ? 'Attributing…' : 'Attribute'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
