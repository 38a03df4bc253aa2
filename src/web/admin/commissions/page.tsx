import { PartnerPicker } from '../partner-picker';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BadgeCheck, CircleDollarSign, Flag, PauseCircle, SearchX, Undo2 } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { ItemOf } from '../../api/types';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody } from '../../ui/card';
import { Checkbox } from '../../ui/checkbox';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate, formatDateTime } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Textarea } from '../../ui/input';
import { Money, MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';
import { Skeleton } from '../../ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { toast } from '../../ui/toast';
import { ENTRY_KINDS, ENTRY_STATUSES, flagLabel, kindLabel, statusOf } from './labels';

type Entry = ItemOf<'/api/v1/commission-entries'>;
type Action = { kind: 'hold' | 'reverse'; entry: Entry };

/** Console: the review queue (flagged first) and the whole ledger with its totals. */
export function CommissionsPage() {
  const [tab, setTab] = React.useState('review');
  const [open, setOpen] = React.useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Commissions"
        description="Every commission line explains itself. Review flagged and pending lines, then let approved ones flow into the next payout run."
      />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList aria-label="Commission views">
          <TabsTrigger value="review">Review queue</TabsTrigger>
          <TabsTrigger value="ledger">Ledger</TabsTrigger>
        </TabsList>
        <TabsContent value="review">
          <EntryList mode="review" onOpen={setOpen} />
        </TabsContent>
        <TabsContent value="ledger">
          <EntryList mode="ledger" onOpen={setOpen} />
        </TabsContent>
      </Tabs>
      <EntryDrawer id={open} onClose={() => setOpen(null)} />
    </>
  );
}

function EntryList({ mode, onOpen }: { mode: 'review' | 'ledger'; onOpen: (id: string) => void }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [status, setStatus] = React.useState('');
  const [kind, setKind] = React.useState('');
  const [partnerId, setPartnerId] = React.useState('');
  const [programId, setProgramId] = React.useState('');
  const [flagged, setFlagged] = React.useState('');
  const [selected, setSelected] = React.useState<Set<string>>(new Set());
  const [action, setAction] = React.useState<Action | null>(null);
  const pager = useCursorPager(JSON.stringify([mode, status, kind, partnerId, programId, flagged]));
  const programs = useQuery({ queryKey: ['programs', 'picker'], queryFn: () => unwrap(api.GET('/api/v1/programs', { params: { query: { limit: 100 } } })) });
  const filters = {
    ...(mode === 'review' ? { status: 'pending' as const } : status ? { status: status as Entry['status'] } : {}),
    ...(kind ? { kind: kind as Entry['kind'] } : {}),
    ...(partnerId ? { partnerId } : {}),
    ...(programId ? { programId } : {}),
    ...(flagged ? { flagged: flagged as 'true' | 'false' } : {}),
  };
  const query = { limit: 25, sort: mode === 'review' ? ('review' as const) : ('newest' as const), ...(pager.cursor ? { cursor: pager.cursor } : {}), ...filters };
  const entries = useQuery({
    queryKey: ['commission-entries', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/commission-entries', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const totals = useQuery({
    queryKey: ['commission-entries', 'totals', filters],
    queryFn: () => unwrap(api.GET('/api/v1/commission-entries/totals', { params: { query: filters } })),
    enabled: mode === 'ledger',
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['commission-entries'] });
  const approve = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/commission-entries/{id}/approve', { params: { path: { id } }, body: {} })),
    onSuccess: (e) => {
      toast({ title: 'Commission approved', description: `${e.partnerName ?? 'The partner'} will be paid it in the next payout run.` });
      refresh();
    },
    onError: (error) => handleProblem(error, { onMessage: (m) => toast({ title: 'Could not approve', description: m, tone: 'error' }) }),
  });
  const bulk = useMutation({
    mutationFn: (ids: string[]) => unwrap(api.POST('/api/v1/commission-entries/bulk-approve', { body: { ids } })),
    onSuccess: (r) => {
      toast({ title: `${r.approved.length} approved`, description: r.skipped.length ? `${r.skipped.length} skipped: ${r.skipped[0].reason}` : undefined });
      setSelected(new Set());
      refresh();
    },
    onError: (error) => handleProblem(error, { onMessage: (m) => toast({ title: 'Could not approve', description: m, tone: 'error' }) }),
  });
  const canReview = can('commissions:review');
  const rows = entries.data?.data ?? [];
  const selectable = rows.filter((e) => e.status === 'pending');
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  const columns: Column<Entry>[] = [
    ...(canReview && mode === 'review'
      ? [
          {
            id: 'select',
            header: (
              <Checkbox
                aria-label="Select all on this page"
                checked={selectable.length > 0 && selectable.every((e) => selected.has(e.id))}
                onCheckedChange={(on) => setSelected(on ? new Set(selectable.map((e) => e.id)) : new Set())}
              />
            ),
            cell: (e: Entry) => <Checkbox aria-label={`Select ${e.id}`} checked={selected.has(e.id)} onCheckedChange={(on) => toggle(e.id, on === true)} />,
          } as Column<Entry>,
        ]
      : []),
    { id: 'earned', header: 'Earned', cell: (e) => <span className="whitespace-nowrap text-slate-600">{formatDate(e.earnedAt)}</span> },
    {
      id: 'partner',
      header: 'Partner',
      cell: (e) => (
        <span className="grid">
          <span className="text-slate-900">{e.partnerName}</span>
          <span className="text-xs text-slate-400">{e.programName}</span>
        </span>
      ),
    },
    {
      id: 'what',
      header: 'What',
      cell: (e) => (
        <button type="button" className="grid max-w-md text-left hover:underline" onClick={() => onOpen(e.id)}>
          <span className="flex items-center gap-1.5">
            <Badge tone={e.amount.amountMinor.startsWith('-') ? 'danger' : 'neutral'}>{kindLabel(e.kind)}</Badge>
            {e.flags.map((f) => (
              <Badge key={f} tone="danger">
                <Flag aria-hidden />
                {flagLabel(f)}
              </Badge>
            ))}
          </span>
          <span className="line-clamp-2 text-xs text-slate-500">{String(e.explanation.summary)}</span>
        </button>
      ),
    },
    { id: 'amount', header: 'Amount', align: 'right', cell: (e) => <MoneyValue value={e.amount} className={e.amount.amountMinor.startsWith('-') ? 'text-red-700' : 'font-medium'} /> },
    {
      id: 'status',
      header: 'Status',
      cell: (e) => {
        const s = statusOf(e.status);
        return (
          <span className="grid gap-0.5">
            <Badge tone={s.tone}>{s.label}</Badge>
            {e.status === 'pending' && e.holdUntil && e.flags.length === 0 ? <span className="text-xs text-slate-400">hold until {formatDate(e.holdUntil)}</span> : null}
          </span>
        );
      },
      hideOnMobile: true,
    },
    ...(canReview
      ? [
          {
            id: 'actions',
            header: <span className="sr-only">Actions</span>,
            align: 'right',
            cell: (e: Entry) => (
              <span className="flex justify-end gap-1">
                {e.status === 'pending' ? (
                  <Button size="sm" variant="secondary" disabled={approve.isPending} onClick={() => approve.mutate(e.id)}>
                    <BadgeCheck aria-hidden />
                    Approve
                  </Button>
                ) : null}
                {e.status === 'pending' || e.status === 'approved' ? (
                  <Button size="sm" variant="ghost" onClick={() => setAction({ kind: 'hold', entry: e })} aria-label="Hold">
                    <PauseCircle aria-hidden />
                  </Button>
                ) : null}
                {!e.amount.amountMinor.startsWith('-') && e.status !== 'reversed' && !e.reversesEntryId ? (
                  <Button size="sm" variant="ghost" onClick={() => setAction({ kind: 'reverse', entry: e })} aria-label="Reverse">
                    <Undo2 aria-hidden />
                  </Button>
                ) : null}
              </span>
            ),
          } as Column<Entry>,
        ]
      : []),
  ];

  const hasFilters = Boolean(kind || partnerId || programId || flagged || (mode === 'ledger' && status));
  return (
    <div className="grid gap-4">
      {mode === 'ledger' ? <TotalsCards totals={totals.data?.data} loading={totals.isLoading} /> : null}
      {entries.isError ? <QueryError error={entries.error} retry={() => void entries.refetch()} /> : null}
      <DataTable
        label={mode === 'review' ? 'Review queue' : 'Commission ledger'}
        columns={columns}
        rows={entries.data?.data as Entry[] | undefined}
        getRowId={(e) => e.id}
        loading={entries.isFetching}
        toolbar={
          <>
            {mode === 'ledger' ? (
              <Select label="Filter by status" allLabel="Any status" value={status} onValueChange={setStatus} options={ENTRY_STATUSES} className="w-40" size="sm" />
            ) : null}
            <Select label="Filter by kind" allLabel="All kinds" value={kind} onValueChange={setKind} options={[...ENTRY_KINDS]} className="w-40" size="sm" />
            <PartnerPicker label="Filter by partner" allLabel="All partners" value={partnerId} onValueChange={setPartnerId} className="w-44" size="sm" />
            <Select
              label="Filter by program"
              allLabel="All programs"
              value={programId}
              onValueChange={setProgramId}
              options={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              className="w-44"
              size="sm"
            />
            <Select
              label="Flags"
              allLabel="Flagged or not"
              value={flagged}
              onValueChange={setFlagged}
              options={[
                { value: 'true', label: 'Flagged only' },
                { value: 'false', label: 'Not flagged' },
              ]}
              className="w-40"
              size="sm"
            />
            {mode === 'review' && canReview && selected.size > 0 ? (
              <Button size="sm" onClick={() => bulk.mutate([...selected])} disabled={bulk.isPending}>
                <BadgeCheck aria-hidden />
                Approve {selected.size} selected
              </Button>
            ) : null}
          </>
        }
        empty={
          hasFilters ? (
            <EmptyState icon={SearchX} title="Nothing matches these filters" description="Try another kind, partner, program or flag." />
          ) : mode === 'review' ? (
            <EmptyState
              icon={BadgeCheck}
              title="Nothing waits for review"
              description="New commissions stay pending through the plan's hold period and are approved automatically unless a fraud signal flags them; flagged ones show up here first."
            />
          ) : (
            <EmptyState
              icon={CircleDollarSign}
              title="No commissions yet"
              description="Give a program a commission plan (Programs → Commission plan); conversions and won deals then accrue here with an explanation for every line."
            />
          )
        }
        pagination={pager.pagination(entries.data?.nextCursor)}
      />
      <ReasonDialog action={action} onClose={() => setAction(null)} onDone={refresh} />
    </div>
  );
}

function TotalsCards({ totals, loading }: { totals: { currency: string; accrued: string; pending: string; approved: string; payable: string; paid: string; reversed: string; balanced: boolean }[] | undefined; loading: boolean }) {
  if (loading) return <Skeleton className="h-24" />;
  if (!totals || totals.length === 0) return null;
  return (
    <div className="grid gap-3">
      {totals.map((t) => (
        <Card key={t.currency}>
          <CardBody className="grid grid-cols-2 gap-4 sm:grid-cols-6">
            {(
              [
                ['Accrued', t.accrued],
                ['Pending', t.pending],
                ['Approved', t.approved],
                ['In payout', t.payable],
                ['Paid', t.paid],
                ['Reversed', t.reversed],
              ] as const
            ).map(([label, value]) => (
              <div key={label} className="grid gap-0.5">
                <span className="text-xs text-slate-500">{label}</span>
                <Money amountMinor={value} currency={t.currency} className="text-lg font-semibold text-slate-900" />
              </div>
            ))}
            {!t.balanced ? <InlineAlert message="The ledger does not balance for this filter; contact support." /> : null}
          </CardBody>
        </Card>
      ))}
    </div>
  );
}

function ReasonDialog({ action, onClose, onDone }: { action: Action | null; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = React.useState('');
  const [error, setError] = React.useState<string | undefined>();
  const [message, setMessage] = React.useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: async (a: Action) =>
      a.kind === 'hold'
        ? unwrap(api.POST('/api/v1/commission-entries/{id}/hold', { params: { path: { id: a.entry.id } }, body: { reason } }))
        : unwrap(api.POST('/api/v1/commission-entries/{id}/reverse', { params: { path: { id: a.entry.id } }, body: { reason } })),
    onSuccess: (_e, a) => {
      toast({ title: a.kind === 'hold' ? 'Commission on hold' : 'Commission reversed', description: a.kind === 'reverse' ? 'A reversal entry records it (a clawback if it was already paid).' : undefined });
      setReason('');
      setError(undefined);
      setMessage(null);
      onDone();
      onClose();
    },
    onError: (err) => handleProblem(err, { setFieldErrors: (f) => setError(f.reason), fields: ['reason'], onMessage: setMessage }),
  });
  const e = action?.entry;
  return (
    <Dialog open={action !== null} onOpenChange={(o) => (o ? null : onClose())}>
      <DialogContent
        title={action?.kind === 'hold' ? 'Hold this commission' : 'Reverse this commission'}
        description={
          e
            ? `${kindLabel(e.kind)} of ${e.partnerName} (${e.amount.currency} ${e.amount.amountMinor} minor units). ${action?.kind === 'hold' ? 'It stays pending until someone approves it.' : e.status === 'paid' || e.status === 'payable' ? 'It is already in a payout: a clawback nets it against the next one.' : 'What is left of it is reversed before payment.'} The reason is internal.`
            : undefined
        }
      >
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            if (action) mutation.mutate(action);
          }}
        >
          {message ? <InlineAlert message={message} /> : null}
          <FormField label="Reason" error={error} required>
            <Textarea value={reason} onChange={(ev) => setReason(ev.target.value)} rows={3} placeholder="e.g. Customer email matches the partner's domain" />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant={action?.kind === 'reverse' ? 'destructive' : 'primary'} disabled={mutation.isPending}>
              {action?.kind === 'hold' ? 'Hold' : 'Reverse'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The entry detail: its explanation step by step, review notes and related entries. */
function EntryDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const entry = useQuery({
    queryKey: ['commission-entries', 'detail', id],
    queryFn: () => unwrap(api.GET('/api/v1/commission-entries/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: Boolean(id),
  });
  const e = entry.data;
  const ex = (e?.explanation ?? {}) as {
    summary?: string;
    source?: { type: string; id: string; kind?: string; occurredAt?: string };
    plan?: { name: string; version: number } | null;
    rule?: { id: string; name: string; duration?: string } | null;
    base?: { amountMinor: string; currency: string } | null;
    rateBp?: number | null;
    tier?: { name: string } | null;
    credit?: { role: string; shareBp: number } | null;
    modifiers?: { kind: string; detail: string }[];
    signals?: { flag: string; detail: string }[];
  };
  return (
    <Dialog open={id !== null} onOpenChange={(o) => (o ? null : onClose())}>
      <DialogContent title="Commission line" description={e ? `${kindLabel(e.kind)} · ${e.partnerName} · ${e.programName}` : 'Loading…'} size="lg">
        {entry.isError ? <QueryError error={entry.error} retry={() => void entry.refetch()} /> : null}
        {!e ? (
          <Skeleton className="h-40" />
        ) : (
          <div className="grid gap-4 text-sm">
            <div className="flex flex-wrap items-center gap-3">
              <Money amountMinor={e.amount.amountMinor} currency={e.amount.currency} className="text-2xl font-semibold text-slate-900" />
              <Badge tone={statusOf(e.status).tone}>{statusOf(e.status).label}</Badge>
              {e.flags.map((f) => (
                <Badge key={f} tone="danger">
                  {flagLabel(f)}
                </Badge>
              ))}
            </div>
            <p className="rounded-lg bg-slate-50 p-3 text-slate-700">{ex.summary}</p>
            <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-2">
              <Fact label="Source">{ex.source ? `${ex.source.type}${ex.source.kind ? ` (${ex.source.kind})` : ''} ${ex.source.id}` : '—'}</Fact>
              <Fact label="Occurred">{ex.source?.occurredAt ? formatDateTime(ex.source.occurredAt) : formatDateTime(e.earnedAt)}</Fact>
              <Fact label="Plan">{ex.plan ? `${ex.plan.name} (v${ex.plan.version})` : '—'}</Fact>
              <Fact label="Rule">{ex.rule ? `${ex.rule.name}${ex.rule.duration ? ` · ${ex.rule.duration}` : ''}` : '—'}</Fact>
              <Fact label="Base">
                <MoneyValue value={ex.base ?? null} />
              </Fact>
              <Fact label="Rate">{ex.rateBp != null ? `${ex.rateBp / 100}%` : '—'}</Fact>
              <Fact label="Tier">{ex.tier?.name ?? '—'}</Fact>
              <Fact label="Deal credit">{ex.credit ? `${ex.credit.role}, ${ex.credit.shareBp / 100}% share` : '—'}</Fact>
              <Fact label="Hold until">{e.holdUntil ? formatDateTime(e.holdUntil) : '—'}</Fact>
              <Fact label="Customer">{e.customerEmail ?? '—'}</Fact>
            </dl>
            {ex.modifiers?.length ? (
              <div>
                <h3 className="mb-1 text-xs font-medium text-slate-500">Modifiers</h3>
                <ul className="grid gap-1">
                  {ex.modifiers.map((m) => (
                    <li key={`${m.kind}${m.detail}`} className="text-slate-700">
                      <Badge tone="muted">{m.kind.replace(/_/g, ' ')}</Badge> {m.detail}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {ex.signals?.length ? (
              <div>
                <h3 className="mb-1 text-xs font-medium text-slate-500">Fraud signals</h3>
                <ul className="grid gap-1">
                  {ex.signals.map((s) => (
                    <li key={s.flag} className="text-red-700">
                      {flagLabel(s.flag)}: {s.detail}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {e.reviewNote ? (
              <p className="text-slate-600">
                <span className="text-xs text-slate-500">Review note{e.reviewedByName ? ` by ${e.reviewedByName}` : ''}: </span>
                {e.reviewNote}
              </p>
            ) : null}
            {e.related.length ? (
              <div>
                <h3 className="mb-1 text-xs font-medium text-slate-500">Related entries</h3>
                <ul className="grid gap-1">
                  {e.related.map((r) => (
                    <li key={r.id} className="flex flex-wrap items-center gap-2">
                      <Badge tone={statusOf(r.status).tone}>{kindLabel(r.kind)}</Badge>
                      <Money amountMinor={r.amount.amountMinor} currency={r.amount.currency} />
                      <span className="text-xs text-slate-500">{String(r.explanation.summary)}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <p className="font-mono text-xs text-slate-400">{e.id}</p>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-slate-800">{children}</dd>
    </div>
  );
}
