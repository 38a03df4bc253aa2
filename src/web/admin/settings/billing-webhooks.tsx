import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Check, Copy, Plus, RefreshCw, TriangleAlert, Webhook } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { programsQuery } from '../../api/queries';
import type { BodyOf, ItemOf, ResponseOf } from '../../api/types';
import { formValues, useFieldErrors } from '../../lib/forms';
import { QueryError } from '../../shared/screens';
import { Badge, type BadgeTone } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDateTime, formatRelative } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect, Select } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type Endpoint = ItemOf<'/api/v1/billing-endpoints'>;
type EndpointWithSecret = ResponseOf<'/api/v1/billing-endpoints', 'post'>;
type BillingEvent = ItemOf<'/api/v1/billing-events'>;
type Provider = Endpoint['provider'];
type EventStatus = BillingEvent['status'];

const PROVIDERS: { value: Provider; label: string }[] = [
  { value: 'stripe', label: 'Stripe' },
  { value: 'paddle', label: 'Paddle Billing' },
  { value: 'lemonsqueezy', label: 'Lemon Squeezy' },
];
const providerLabel = (p: string) => PROVIDERS.find((x) => x.value === p)?.label ?? p;

/** Where to paste the URL and which events to send, per provider (docs/billing-webhooks.md has the rest). */
const SETUP: Record<Provider, { where: string; events: string[]; secret: string }> = {
  stripe: {
    where: 'Stripe Dashboard › Developers › Webhooks › Add endpoint',
    events: ['checkout.session.completed', 'invoice.paid', 'invoice_payment.paid', 'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed', 'customer.subscription.deleted', 'transfer.reversed'],
    secret: 'Stripe shows the signing secret (whsec_…) on the endpoint page after you create it.',
  },
  paddle: {
    where: 'Paddle › Developer tools › Notifications › New destination',
    events: ['transaction.completed', 'adjustment.created', 'adjustment.updated', 'subscription.canceled'],
    secret: 'Paddle shows the secret key (pdl_ntfset_…) of the destination after you save it.',
  },
  lemonsqueezy: {
    where: 'Lemon Squeezy › Settings › Webhooks (the + button)',
    events: ['order_created', 'order_refunded', 'subscription_created', 'subscription_updated', 'subscription_payment_success', 'subscription_payment_refunded'],
    secret: 'Leave it empty and OpenPRM generates one; paste it into the “Signing secret” field of the webhook.',
  },
};

/** Events only some setups need, with when. */
const EVENT_NOTES: Record<string, string> = {
  'transfer.reversed': 'when partners are paid with Stripe Connect: a reversed payout is owed again (docs/payouts.md)',
  subscription_updated: 'links subscriptions created before subscription_created was enabled, when they change',
};

const STATUS_TONE: Record<EventStatus, BadgeTone> = { applied: 'success', unattributed: 'warning', ignored: 'muted', failed: 'danger' };
const STATUS_LABEL: Record<EventStatus, string> = { applied: 'Applied', unattributed: 'Unattributed', ignored: 'Ignored', failed: 'Failed' };
const STATUS_OPTIONS = (Object.keys(STATUS_LABEL) as EventStatus[]).map((value) => ({ value, label: STATUS_LABEL[value] }));

function CopyField({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = React.useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast({ tone: 'error', title: 'Copy failed', description: 'Select the text and copy it by hand.' });
    }
  };
  return (
    <div className="flex gap-2">
      <Input readOnly value={value} aria-label={label} className="font-mono text-[13px]" onFocus={(event) => event.currentTarget.select()} />
      <Button variant="secondary" onClick={() => void copy()} aria-live="polite" aria-label={`Copy ${label}`}>
        {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}

export function BillingWebhooksPage() {
  const [createOpen, setCreateOpen] = React.useState(false);
  const [revealed, setRevealed] = React.useState<{ result: EndpointWithSecret; rotated: boolean } | null>(null);
  const [rotating, setRotating] = React.useState<Endpoint | null>(null);
  const endpoints = useQuery({
    queryKey: ['billing-endpoints'],
    queryFn: () => unwrap(api.GET('/api/v1/billing-endpoints')),
  });
  const list = endpoints.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Billing webhooks"
        description="Connect Stripe, Paddle Billing or Lemon Squeezy: payments, refunds, disputes and cancellations become conversions, credited to the partner who referred the customer."
        actions={
          <Button onClick={() => setCreateOpen(true)}>
            <Plus aria-hidden />
            Add endpoint
          </Button>
        }
      />
      {endpoints.isError ? <QueryError error={endpoints.error} retry={() => void endpoints.refetch()} /> : null}
      {endpoints.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={4} />
        </Card>
      ) : list.length === 0 && !endpoints.isError ? (
        <Card>
          <EmptyState
            icon={Webhook}
            title="No billing provider connected"
            description="Add an endpoint, paste its URL into your billing provider, and every payment of a referred customer is credited automatically."
            action={
              <Button onClick={() => setCreateOpen(true)}>
                <Plus aria-hidden />
                Add endpoint
              </Button>
            }
          />
        </Card>
      ) : (
        <div className="grid gap-4">
          {list.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} onRotate={() => setRotating(endpoint)} />
          ))}
        </div>
      )}
      {list.length > 0 ? <RecentEvents endpoints={list} /> : null}
      <CreateEndpointDialog
        open={createOpen}
        onOpenChange={setCreateOpen}
        onCreated={(result) => {
          setCreateOpen(false);
          setRevealed({ result, rotated: false });
        }}
      />
      <RotateDialog
        endpoint={rotating}
        onClose={() => setRotating(null)}
        onRotated={(result) => {
          setRotating(null);
          setRevealed({ result, rotated: true });
        }}
      />
      <SecretDialog revealed={revealed} onClose={() => setRevealed(null)} />
    </>
  );
}

function EndpointCard({ endpoint, onRotate }: { endpoint: Endpoint; onRotate: () => void }) {
  const queryClient = useQueryClient();
  const setup = SETUP[endpoint.provider];
  const update = useMutation({
    mutationFn: (body: BodyOf<'/api/v1/billing-endpoints/{id}', 'patch'>) =>
      unwrap(api.PATCH('/api/v1/billing-endpoints/{id}', { params: { path: { id: endpoint.id } }, body })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['billing-endpoints'] });
      toast({ title: result.status === 'disabled' ? 'Endpoint disabled' : 'Endpoint enabled', description: result.name });
    },
    onError: (error) => handleProblem(error, { title: 'The endpoint was not changed' }),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/billing-endpoints/{id}', { params: { path: { id: endpoint.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['billing-endpoints'] });
      toast({ title: 'Endpoint deleted', description: endpoint.name });
    },
    onError: (error) => handleProblem(error, { title: 'The endpoint was not deleted' }),
  });
  const disabled = endpoint.status === 'disabled';
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {endpoint.name}
            <Badge tone="brand">{providerLabel(endpoint.provider)}</Badge>
            <Badge tone={disabled ? 'muted' : 'success'} dot>
              {disabled ? 'Disabled' : 'Active'}
            </Badge>
          </span>
        }
        description={
          endpoint.lastEventAt ? (
            <span title={formatDateTime(endpoint.lastEventAt)}>
              {endpoint.eventCount.toLocaleString()} {endpoint.eventCount === 1 ? 'event' : 'events'} · last {formatRelative(endpoint.lastEventAt)}
            </span>
          ) : (
            'No event received yet'
          )
        }
        actions={
          <>
            <Button variant="secondary" size="sm" onClick={onRotate}>
              <RefreshCw aria-hidden />
              Rotate secret
            </Button>
            <Button variant="ghost" size="sm" loading={update.isPending} onClick={() => update.mutate({ status: disabled ? 'active' : 'disabled' })}>
              {disabled ? 'Enable' : 'Disable'}
            </Button>
            {endpoint.eventCount === 0 ? (
              <Button variant="destructive-ghost" size="sm" loading={remove.isPending} onClick={() => remove.mutate()} aria-label={`Delete ${endpoint.name}`}>
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      <CardBody className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {endpoint.setupWarnings.length > 0 ? (
          <div className="grid gap-2 lg:col-span-2">
            {endpoint.setupWarnings.map((w) => (
              <InlineAlert key={w.code} tone="warning" message={w.message} />
            ))}
          </div>
        ) : null}
        <div className="grid gap-3">
          <div className="grid gap-1.5">
            <span className="text-xs font-medium tracking-wide text-slate-500 uppercase">Webhook URL</span>
            <CopyField value={endpoint.webhookUrl} label="webhook URL" />
            <p className="text-xs text-slate-500">Paste it in {setup.where}.</p>
          </div>
          <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-slate-500">Signing secret</dt>
              <dd className="font-mono text-slate-800">{endpoint.secretHint}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Default program</dt>
              <dd className="text-slate-800">{endpoint.programName ?? <span className="text-slate-400">From the link or partner</span>}</dd>
            </div>
            {endpoint.previousSecretExpiresAt ? (
              <div>
                <dt className="text-slate-500">Previous secret</dt>
                <dd className="text-slate-800" title={formatDateTime(endpoint.previousSecretExpiresAt)}>
                  valid until {formatDateTime(endpoint.previousSecretExpiresAt)}
                </dd>
              </div>
            ) : null}
          </dl>
        </div>
        <div className="rounded-lg bg-slate-50 px-4 py-3 text-sm">
          <p className="font-medium text-slate-800">Events to send</p>
          <ul className="mt-1.5 grid gap-0.5">
            {setup.events.map((event) => (
              <li key={event}>
                <code className="font-mono text-xs text-slate-700">{event}</code>
                {EVENT_NOTES[event] ? <span className="text-xs text-slate-500"> — {EVENT_NOTES[event]}</span> : null}
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">
            Pass the partner’s link code as <code className="font-mono">openprm_partner</code> (or the click id as{' '}
            <code className="font-mono">openprm_click</code>) in {endpoint.provider === 'stripe' ? 'metadata or client_reference_id' : 'custom data'}.
          </p>
        </div>
      </CardBody>
    </Card>
  );
}

function CreateEndpointDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (created: EndpointWithSecret) => void;
}) {
  const queryClient = useQueryClient();
  const programs = useQuery({ ...programsQuery(), enabled: open });
  const [provider, setProvider] = React.useState<Provider>('stripe');
  const { errors, setErrors } = useFieldErrors();
  React.useEffect(() => {
    if (!open) setErrors({});
  }, [open, setErrors]);
  const create = useMutation({
    mutationFn: (body: BodyOf<'/api/v1/billing-endpoints', 'post'>) => unwrap(api.POST('/api/v1/billing-endpoints', { body })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['billing-endpoints'] });
      onCreated(result);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['provider', 'name', 'programId', 'signingSecret'] }),
  });
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const secret = values.signingSecret?.trim();
    if (!secret && provider !== 'lemonsqueezy') {
      setErrors({ signingSecret: `Paste the signing secret ${providerLabel(provider)} shows for this webhook` });
      return;
    }
    setErrors({});
    create.mutate({
      provider,
      ...(values.name?.trim() ? { name: values.name.trim() } : {}),
      programId: values.programId || null,
      ...(secret ? { signingSecret: secret } : {}),
    });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Add a billing webhook endpoint" description="One endpoint per billing account (and per mode: use another for test mode).">
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="Provider" error={errors.provider} required>
            <NativeSelect name="provider" value={provider} onChange={(event) => setProvider(event.currentTarget.value as Provider)} options={PROVIDERS} />
          </FormField>
          <FormField label="Name" error={errors.name} hint="How you tell endpoints apart, e.g. “Stripe live”." optional>
            <Input name="name" autoComplete="off" placeholder={providerLabel(provider)} />
          </FormField>
          <FormField label="Default program" error={errors.programId} hint="Credited when a payment names a customer but no link says which program." optional>
            <NativeSelect name="programId" placeholder="None" options={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
          </FormField>
          <FormField
            label="Signing secret"
            error={errors.signingSecret}
            hint={SETUP[provider].secret}
            required={provider !== 'lemonsqueezy'}
            optional={provider === 'lemonsqueezy'}
          >
            <Input name="signingSecret" autoComplete="off" spellCheck={false} className="font-mono text-[13px]" placeholder={provider === 'stripe' ? 'whsec_…' : provider === 'paddle' ? 'pdl_ntfset_…' : 'Generated when empty'} />
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              Add endpoint
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RotateDialog({ endpoint, onClose, onRotated }: { endpoint: Endpoint | null; onClose: () => void; onRotated: (r: EndpointWithSecret) => void }) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const rotate = useMutation({
    mutationFn: (body: BodyOf<'/api/v1/billing-endpoints/{id}/rotate-secret', 'post'>) =>
      unwrap(api.POST('/api/v1/billing-endpoints/{id}/rotate-secret', { params: { path: { id: endpoint?.id ?? '' } }, body })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['billing-endpoints'] });
      onRotated(result);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['signingSecret', 'keepPreviousHours'] }),
  });
  const provider = endpoint?.provider ?? 'stripe';
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const secret = values.signingSecret?.trim();
    if (!secret && provider !== 'lemonsqueezy') {
      setErrors({ signingSecret: `Roll the secret in ${providerLabel(provider)} first, then paste the new one here` });
      return;
    }
    rotate.mutate({ ...(secret ? { signingSecret: secret } : {}), keepPreviousHours: Number(values.keepPreviousHours ?? 24) });
  };
  return (
    <Dialog open={endpoint !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={`Rotate the secret of ${endpoint?.name ?? 'the endpoint'}`} description="Deliveries signed with the old secret keep passing for the grace period you choose." size="sm">
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="New signing secret" error={errors.signingSecret} hint={SETUP[provider].secret} required={provider !== 'lemonsqueezy'} optional={provider === 'lemonsqueezy'}>
            <Input name="signingSecret" autoComplete="off" spellCheck={false} className="font-mono text-[13px]" />
          </FormField>
          <FormField label="Old secret stays valid for" error={errors.keepPreviousHours}>
            <NativeSelect
              name="keepPreviousHours"
              defaultValue="24"
              options={[
                { value: '0', label: 'Stop at once' },
                { value: '1', label: '1 hour' },
                { value: '24', label: '24 hours' },
                { value: '72', label: '3 days' },
              ]}
            />
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={rotate.isPending}>
              Rotate secret
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function SecretDialog({ revealed, onClose }: { revealed: { result: EndpointWithSecret; rotated: boolean } | null; onClose: () => void }) {
  const endpoint = revealed?.result.endpoint;
  return (
    <Dialog open={revealed !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={revealed?.rotated ? 'New signing secret' : 'Endpoint ready'} description={endpoint ? (endpoint.name === providerLabel(endpoint.provider) ? endpoint.name : `${endpoint.name} · ${providerLabel(endpoint.provider)}`) : undefined}>
        {endpoint && revealed ? (
          <div className="grid gap-4">
            <div className="grid gap-1.5">
              <span className="text-sm font-medium text-slate-800">Webhook URL</span>
              <CopyField value={endpoint.webhookUrl} label="webhook URL" />
              <p className="text-xs text-slate-500">{SETUP[endpoint.provider].where}</p>
            </div>
            <div className="grid gap-1.5">
              <span className="text-sm font-medium text-slate-800">Signing secret</span>
              <CopyField value={revealed.result.signingSecret} label="signing secret" />
            </div>
            <div className="flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
              <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
              <p>
                This is the only time the secret is shown; afterwards you see its last four characters.
                {endpoint.provider === 'lemonsqueezy' ? ' Paste it into the webhook’s “Signing secret” field in Lemon Squeezy.' : ''}
              </p>
            </div>
          </div>
        ) : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button>Done</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

const KIND_LABEL: Record<string, string> = {
  lead: 'Lead',
  sale: 'Sale',
  refund: 'Refund',
  dispute_opened: 'Dispute opened',
  dispute_won: 'Dispute won',
  dispute_lost: 'Dispute lost',
  cancellation: 'Cancellation',
};

function Recorded({ event }: { event: BillingEvent }) {
  const first = event.normalized[0] as { amount?: { amountMinor: string; currency: string } | null; kind?: string; recurring?: boolean | null } | undefined;
  if (!first?.kind) return <span className="text-slate-400">—</span>;
  return (
    <span className="grid justify-items-end whitespace-nowrap">
      <MoneyValue value={first.amount ?? null} />
      <span className="text-xs text-slate-500">
        {KIND_LABEL[first.kind] ?? first.kind}
        {first.kind === 'sale' && first.recurring === true ? ' · renewal' : ''}
      </span>
    </span>
  );
}

function RecentEvents({ endpoints }: { endpoints: Endpoint[] }) {
  const [status, setStatus] = React.useState('');
  const [endpointId, setEndpointId] = React.useState('');
  const pager = useCursorPager(`${status}|${endpointId}`);
  const query = { limit: 25, ...(status ? { status: status as EventStatus } : {}), ...(endpointId ? { endpointId } : {}), ...(pager.cursor ? { cursor: pager.cursor } : {}) };
  const events = useQuery({
    queryKey: ['billing-events', query],
    queryFn: () => unwrap(api.GET('/api/v1/billing-events', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
  const endpointName = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;

  const columns: Column<BillingEvent>[] = [
    {
      id: 'receivedAt',
      header: 'Received',
      cell: (e) => (
        <span className="whitespace-nowrap text-slate-500" title={formatDateTime(e.receivedAt)}>
          {formatRelative(e.receivedAt)}
        </span>
      ),
    },
    {
      id: 'type',
      header: 'Event',
      cell: (e) => (
        <div className="grid">
          <code className="font-mono text-xs text-slate-800">{e.type}</code>
          <span className="text-xs text-slate-500">
            {endpointName(e.endpointId)}
            {e.livemode === false ? ' · test mode' : ''}
          </span>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (e) => (
        <Badge tone={STATUS_TONE[e.status]} dot>
          {STATUS_LABEL[e.status]}
        </Badge>
      ),
    },
    { id: 'amount', header: 'Recorded', align: 'right', cell: (e) => <Recorded event={e} /> },
    {
      id: 'conversion',
      header: 'Conversion',
      cell: (e) =>
        e.conversionIds.length > 0 ? (
          <span className="grid">
            {e.conversionIds.map((id) => (
              <Link key={id} to="/app/conversions" title="Open Conversions" className="font-mono text-xs text-brand-700 hover:underline">
                {id}
              </Link>
            ))}
          </span>
        ) : (
          <span className="text-slate-400">—</span>
        ),
      hideOnMobile: true,
    },
    { id: 'reason', header: 'Note', cell: (e) => <span className="text-xs text-slate-600">{e.reason ?? ''}</span>, hideOnMobile: true },
  ];

  return (
    <section className="mt-8">
      <h2 className="mb-3 text-base font-semibold text-slate-900">Recent events</h2>
      {events.isError ? <QueryError error={events.error} retry={() => void events.refetch()} /> : null}
      <DataTable
        label="Billing events"
        columns={columns}
        rows={events.data?.data}
        getRowId={(e) => e.id}
        loading={events.isPending}
        pagination={pager.pagination(events.data?.nextCursor)}
        toolbar={
          <div className="flex flex-wrap gap-2">
            <Select label="Filter by status" allLabel="All statuses" value={status} onValueChange={setStatus} options={STATUS_OPTIONS} size="sm" className="w-44" />
            {endpoints.length > 1 ? (
              <Select label="Filter by endpoint" allLabel="All endpoints" value={endpointId} onValueChange={setEndpointId} options={endpoints.map((e) => ({ value: e.id, label: e.name }))} size="sm" className="w-52" />
            ) : null}
          </div>
        }
        renderExpanded={(e) => <EventDetail id={e.id} />}
        empty={
          <EmptyState
            icon={Webhook}
            title={status || endpointId ? 'No event matches' : 'No event received yet'}
            description={status || endpointId ? 'Clear the filters to see every event.' : 'Send a test event from your billing provider’s dashboard; it shows up here within seconds.'}
          />
        }
      />
    </section>
  );
}

function EventDetail({ id }: { id: string }) {
  const detail = useQuery({
    queryKey: ['billing-events', 'detail', id],
    queryFn: () => unwrap(api.GET('/api/v1/billing-events/{id}', { params: { path: { id } } })),
  });
  if (detail.isPending) return <LoadingBlock lines={3} />;
  if (detail.isError) return <QueryError error={detail.error} retry={() => void detail.refetch()} />;
  return (
    <div className="grid gap-3 text-sm lg:grid-cols-2">
      <div>
        <p className="mb-1 font-medium text-slate-800">What OpenPRM recorded</p>
        {detail.data.normalized.length === 0 ? (
          <p className="text-slate-500">Nothing: {detail.data.reason ?? 'no conversion'}</p>
        ) : (
          <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-700">{JSON.stringify(detail.data.normalized, null, 2)}</pre>
        )}
        <p className="mt-2 text-xs text-slate-500">
          Provider event id <code className="font-mono">{detail.data.providerEventId}</code>
        </p>
        {detail.data.conversionIds.map((id) => (
          <ConversionSummary key={id} id={id} />
        ))}
      </div>
      <div>
        <p className="mb-1 font-medium text-slate-800">Payload as received</p>
        <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-700">{JSON.stringify(detail.data.payload, null, 2)}</pre>
      </div>
    </div>
  );
}

const ACCRUAL_LABEL: Record<string, string> = {
  pending: 'waiting for the commission run',
  unattributed: 'unattributed — attribute it in Conversions',
  accrued: 'commission accrued',
  no_plan: 'no commission plan applies',
  waiting_original: 'waiting for the sale it reverses',
};

/** Who the conversion credits, from the conversions API (needs conversions:read; hidden otherwise). */
function ConversionSummary({ id }: { id: string }) {
  const conversion = useQuery({
    queryKey: ['conversions', id],
    queryFn: () => unwrap(api.GET('/api/v1/conversions/{id}', { params: { path: { id } } })),
    retry: false,
  });
  if (!conversion.data) return null;
  const c = conversion.data;
  return (
    <p className="mt-2 text-xs text-slate-600">
      <Link to="/app/conversions" className="font-mono text-brand-700 hover:underline">
        {c.id}
      </Link>{' '}
      · {KIND_LABEL[c.kind] ?? c.kind} · {c.partnerName ? `credited to ${c.partnerName}` : 'no partner'} · {ACCRUAL_LABEL[c.accrualStatus] ?? c.accrualStatus}
    </p>
  );
}
