import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { CheckCircle2, FileSpreadsheet, Play, RotateCcw, XCircle } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { RecordPageStatus } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate, formatDateTime } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { Money } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { toast } from '../../ui/toast';
import { downloadFile } from './download';
import { METHOD_LABELS, PAYOUT_STATUS } from './labels';
import { MoneyList, RunStatusBadge, StatementButtons } from './runs';

type Payout = components['schemas']['Payout'];
type RunDetail = components['schemas']['PayoutRunDetail'];

const runApi = getRouteApi('/app/console/payouts/$runId');

const SENDING = { label: 'Sending…', tone: 'warning' } as const;

/** Payouts of an executed run the background sender has not reached yet. */
function queuedPayouts(r: RunDetail): number {
  return r.status === 'processing' ? r.payouts.filter((p) => p.status === 'approved').length : 0;
}

export function PayoutRunPage() {
  const { runId } = runApi.useParams();
  const can = useCan();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['payout-runs', 'detail', runId],
    queryFn: () => unwrap(api.GET('/api/v1/payout-runs/{id}', { params: { path: { id: runId } } })),
    // Executed runs are sent in the background: follow them until every payout has left the queue.
    refetchInterval: (query) => (query.state.data && queuedPayouts(query.state.data) > 0 ? 1500 : false),
  });
  const [message, setMessage] = React.useState<string | null>(null);
  const [markPaid, setMarkPaid] = React.useState<Payout | null>(null);
  const refresh = (next?: RunDetail) => {
    if (next) queryClient.setQueryData(['payout-runs', 'detail', runId], next);
    void queryClient.invalidateQueries({ queryKey: ['payout-runs'] });
  };
  const transition = useMutation({
    mutationFn: (action: 'approve' | 'execute' | 'cancel'): Promise<RunDetail> => {
      const params = { params: { path: { id: runId } } };
      // Execute answers 202 (the payouts are sent in the background); approve and cancel answer 200.
      if (action === 'execute') return unwrap(api.POST('/api/v1/payout-runs/{id}/execute', params));
      return unwrap(api.POST(`/api/v1/payout-runs/{id}/${action}`, params));
    },
    onMutate: () => setMessage(null),
    onSuccess: (next, action) => {
      refresh(next);
      const failed = next.counts.failed;
      toast({
        tone: failed ? 'error' : 'success',
        title: action === 'approve' ? 'Run approved' : action === 'cancel' ? 'Draft cancelled' : failed ? `${failed} payout(s) failed` : 'Sending payouts',
        description:
          action === 'approve'
            ? 'Statements are numbered; execute the run to pay.'
            : action === 'execute'
              ? `${queuedPayouts(next)} payout(s) are being sent in the background. This page updates as they are paid.`
              : undefined,
      });
    },
    onError: (error) => handleProblem(error, { onMessage: setMessage }),
  });
  const payoutAction = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'retry' | 'refresh' | 'cancel' }) =>
      unwrap(api.POST(`/api/v1/payouts/{id}/${action}`, { params: { path: { id } } })),
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: ['payout-runs'] });
      toast({ tone: p.status === 'failed' ? 'error' : 'success', title: `${p.partnerName}: ${PAYOUT_STATUS[p.status]?.label ?? p.status}`, description: p.failureReason ?? undefined });
    },
    onError: (error) => handleProblem(error, { onMessage: setMessage }),
  });

  if (run.isPending || run.isError) return <RecordPageStatus query={run} eyebrow={<Link to="/app/payouts">Payouts</Link>} title="Payout run" />;
  const r = run.data;
  const paying = r.payouts.filter((p) => !['carried_over', 'held', 'cancelled'].includes(p.status));
  const notPaying = r.payouts.filter((p) => p.status === 'carried_over' || p.status === 'held');
  const hasBank = r.payouts.some((p) => p.methodType === 'bank' && ['approved', 'processing', 'failed'].includes(p.status));
  const queued = queuedPayouts(r);
  const statusOf = (p: Payout) => (queued > 0 && p.status === 'approved' ? SENDING : (PAYOUT_STATUS[p.status] ?? { label: p.status, tone: 'neutral' as const }));

  const columns: Column<Payout>[] = [
    { id: 'partner', header: 'Partner', cell: (p) => <span className="font-medium text-slate-900">{p.partnerName}</span> },
    {
      id: 'amount',
      header: 'Amount',
      align: 'right',
      cell: (p) => (
        <span className="inline-flex flex-col items-end">
          <Money amountMinor={p.amount.amountMinor} currency={p.amount.currency} className="font-medium" />
          {p.sources
            .filter((s) => s.rate)
            .map((s) => (
              <span key={s.amount.currency} className="text-xs text-slate-500">
                from <Money amountMinor={s.amount.amountMinor} currency={s.amount.currency} /> at {s.rate}
              </span>
            ))}
        </span>
      ),
    },
    { id: 'entries', header: 'Entries', align: 'right', cell: (p) => p.entryCount, hideOnMobile: true },
    { id: 'method', header: 'Method', cell: (p) => (p.methodType ? METHOD_LABELS[p.methodType] : <span className="text-slate-400">—</span>), hideOnMobile: true },
    {
      id: 'status',
      header: 'Status',
      cell: (p) => (
        <div className="grid gap-1">
          <span>
            <Badge tone={statusOf(p).tone} dot>
              {statusOf(p).label}
            </Badge>
          </span>
          {p.holdReason ? <span className="text-xs text-slate-500">{p.holdReason}</span> : null}
          {p.failureReason ? (
            <span className="max-w-xs text-xs text-red-700" role="note">
              {p.failureReason}
            </span>
          ) : null}
          {p.reference || p.providerRef ? <span className="text-xs text-slate-500">Ref {p.reference ?? p.providerRef}</span> : null}
          {p.reversal ? (
            <span className="max-w-xs text-xs text-amber-800" role="note">
              <Badge tone="warning">{p.reversal.full ? 'Reversed' : 'Partially reversed'}</Badge>{' '}
              Reversed <Money amountMinor={p.reversal.amount.amountMinor} currency={p.reversal.amount.currency} /> on {formatDate(p.reversal.reversedAt)}
              {p.reversal.reason ? <span className="block text-slate-600">{p.reversal.reason}</span> : null}
              <span className="block text-slate-600">Owed to the partner again: an approved adjustment the next run pays.</span>
            </span>
          ) : null}
        </div>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (p) => (
        <div className="flex flex-wrap justify-end gap-1">
          {p.statementNumber ? <StatementButtons payoutId={p.id} number={p.statementNumber} scope="console" /> : null}
          {can('payouts:manage') && p.allowedActions.includes('retry') ? (
            <Button size="sm" variant="secondary" aria-label={`Retry payout to ${p.partnerName}`} disabled={payoutAction.isPending} onClick={() => payoutAction.mutate({ id: p.id, action: 'retry' })}>
              <RotateCcw aria-hidden />
              Retry
            </Button>
          ) : null}
          {can('payouts:manage') && p.allowedActions.includes('refresh') ? (
            <Button size="sm" variant="secondary" onClick={() => payoutAction.mutate({ id: p.id, action: 'refresh' })}>
              Check status
            </Button>
          ) : null}
          {can('payouts:approve') && p.allowedActions.includes('mark_paid') ? (
            <Button size="sm" variant="secondary" aria-label={`Mark payout to ${p.partnerName} as paid`} onClick={() => setMarkPaid(p)}>
              <CheckCircle2 aria-hidden />
              Mark as paid
            </Button>
          ) : null}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        eyebrow={<Link to="/app/payouts">Payouts</Link>}
        title={`Payout run #${r.number}`}
        description={`${r.programName} · commissions approved up to ${formatDateTime(r.periodEnd)} · created by ${r.createdBy ?? 'someone'}${r.approvedBy ? ` · approved by ${r.approvedBy}` : ''}`}
        actions={
          <>
            <RunStatusBadge status={r.status} />
            {hasBank && can('payouts:manage') ? (
              <Button variant="secondary" onClick={() => void downloadFile(`/api/v1/payout-runs/${r.id}/bank-file`, `payout-run-${r.number}-bank.csv`)}>
                <FileSpreadsheet aria-hidden />
                Bank file (Wise CSV)
              </Button>
            ) : null}
            {r.allowedTransitions.includes('cancel') && can('payouts:manage') ? (
              <Button variant="destructive-ghost" disabled={transition.isPending} onClick={() => transition.mutate('cancel')}>
                <XCircle aria-hidden />
                Cancel draft
              </Button>
            ) : null}
            {r.allowedTransitions.includes('approve') && can('payouts:approve') ? (
              <Button disabled={transition.isPending || r.counts.payouts === 0} onClick={() => transition.mutate('approve')}>
                <CheckCircle2 aria-hidden />
                Approve run
              </Button>
            ) : null}
            {r.allowedTransitions.includes('execute') && can('payouts:manage') ? (
              <Button disabled={transition.isPending} onClick={() => transition.mutate('execute')}>
                <Play aria-hidden />
                {transition.isPending ? 'Starting…' : 'Execute payouts'}
              </Button>
            ) : null}
          </>
        }
      />
      {message ? (
        <div className="mb-4">
          <InlineAlert message={message} />
        </div>
      ) : null}
      {queued > 0 ? (
        <div className="mb-4">
          <InlineAlert tone="progress" message={`Sending payouts: ${queued} of ${paying.length} still queued. Transfers go out one by one in the background; you can leave this page.`} />
        </div>
      ) : null}
      <div className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Stat label="To pay">
          <MoneyList items={r.totals} />
        </Stat>
        <Stat label="Carried over or held">
          <MoneyList items={r.carriedOver} />
        </Stat>
        <Stat label="Payouts">
          <span>
            {r.counts.paid} of {r.counts.payouts} paid{r.counts.failed ? ` · ${r.counts.failed} failed` : ''}
          </span>
        </Stat>
      </div>
      {r.status === 'draft' ? (
        <div className="mb-4">
          <InlineAlert
            tone="warning"
            message="This is a draft: the amounts are computed from approved commissions and nothing is reserved or paid yet. Approving makes the commissions payable and numbers the statements."
          />
        </div>
      ) : null}
      <Card className="mb-6">
        <CardHeader title="Payouts in this run" description="One line per partner and currency; clawbacks are netted against earnings." />
        <DataTable
          label="Payouts in this run"
          columns={columns}
          rows={paying}
          getRowId={(p) => p.id}
          empty={<EmptyState icon={CheckCircle2} title="Nothing to pay in this run" description="Every balance is below the minimum payout or held; see below." />}
        />
      </Card>
      {notPaying.length > 0 ? (
        <Card>
          <CardHeader title="Carried over and held" description="These balances stay approved and roll into the next run once they qualify." />
          <DataTable label="Carried over and held" columns={columns.slice(0, 5)} rows={notPaying} getRowId={(p) => p.id} empty={null} />
        </Card>
      ) : null}
      <p className="mt-4 text-xs text-slate-500">Created {formatDate(r.createdAt)}{r.completedAt ? ` · completed ${formatDate(r.completedAt)}` : ''}</p>
      <MarkPaidDialog payout={markPaid} onClose={() => setMarkPaid(null)} />
    </>
  );
}

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Card>
      <CardBody>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</p>
        <div className="mt-1 text-lg font-semibold text-slate-900">{children}</div>
      </CardBody>
    </Card>
  );
}

function MarkPaidDialog({ payout, onClose }: { payout: Payout | null; onClose: () => void }) {
  const [reference, setReference] = React.useState('');
  const [error, setError] = React.useState<string | null>(null);
  const queryClient = useQueryClient();
  const mark = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/payouts/{id}/mark-paid', { params: { path: { id: payout?.id ?? '' } }, body: { reference } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['payout-runs'] });
      toast({ title: 'Marked as paid' });
      setReference('');
      onClose();
    },
    onError: (e) => handleProblem(e, { onMessage: setError, setFieldErrors: (f) => setError(f.reference ?? null), fields: ['reference'] }),
  });
  return (
    <Dialog open={payout !== null} onOpenChange={(open) => (!open ? onClose() : undefined)}>
      <DialogContent title="Mark as paid" description={payout ? `Record that ${payout.partnerName} was paid outside OpenPRM (bank file, cheque…). Its commissions become paid.` : undefined}>
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            mark.mutate();
          }}
        >
          <FormField label="Payment reference" required error={error} hint="The bank or batch reference, shown on the statement">
            <Input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} autoFocus />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={mark.isPending}>
              Mark as paid
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
