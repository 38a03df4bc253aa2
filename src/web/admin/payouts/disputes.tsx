import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, MessageSquareWarning, XCircle } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { currencyDigits, decimalToMinor, formatDate, formatDateTime } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input, Textarea } from '../../ui/input';
import { Money } from '../../ui/money';
import { Select } from '../../ui/select';
import { toast } from '../../ui/toast';
import { PartnerPicker } from '../partner-picker';
import { DISPUTE_REASON, DISPUTE_STATUS } from './labels';

type Dispute = components['schemas']['StatementDispute'];
type Status = Dispute['status'];

export const openDisputesQuery = {
  queryKey: ['payout-disputes', 'open-count'],
  queryFn: () => unwrap(api.GET('/api/v1/payout-disputes', { params: { query: { status: 'open', limit: 100 } } })),
};

/** Console › Payouts › Disputes: partners' questions about their statements, decided by finance. */
export function StatementDisputes() {
  const can = useCan();
  const [status, setStatus] = React.useState<string>('open');
  const [partnerId, setPartnerId] = React.useState('');
  const [deciding, setDeciding] = React.useState<{ dispute: Dispute; outcome: 'resolve' | 'reject' } | null>(null);
  const pager = useCursorPager(JSON.stringify([status, partnerId]));
  const query = { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}), ...(status ? { status: status as Status } : {}), ...(partnerId ? { partnerId } : {}) };
  const disputes = useQuery({
    queryKey: ['payout-disputes', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/payout-disputes', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const canDecide = can('payouts:approve');

  const columns: Column<Dispute>[] = [
    { id: 'opened', header: 'Opened', cell: (d) => formatDate(d.createdAt) },
    {
      id: 'partner',
      header: 'Partner',
      cell: (d) => (
        <span className="grid">
          <span className="font-medium text-slate-900">{d.partnerName}</span>
          <span className="text-xs text-slate-500">{d.programName}</span>
        </span>
      ),
    },
    {
      id: 'statement',
      header: 'Statement',
      cell: (d) => (
        <span className="grid">
          <span className="font-medium text-slate-800 tabular-nums">{d.statementNumber ?? '—'}</span>
          <Money amountMinor={d.payoutAmount.amountMinor} currency={d.payoutAmount.currency} className="text-xs text-slate-500" />
        </span>
      ),
    },
    {
      id: 'what',
      header: 'What',
      cell: (d) => (
        <span className="grid max-w-md gap-0.5">
          <span className="text-sm font-medium text-slate-800">
            {DISPUTE_REASON[d.reason]}
            {d.entryId ? <span className="font-normal text-slate-500"> · one line</span> : null}
          </span>
          <span className="line-clamp-2 text-xs text-slate-600">{d.message}</span>
        </span>
      ),
    },
    {
      id: 'expected',
      header: 'Expected',
      align: 'right',
      hideOnMobile: true,
      cell: (d) => (d.expectedAmount ? <Money amountMinor={d.expectedAmount.amountMinor} currency={d.expectedAmount.currency} /> : <span className="text-slate-400">—</span>),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <Badge tone={DISPUTE_STATUS[d.status].tone} dot>
          {DISPUTE_STATUS[d.status].label}
        </Badge>
      ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (d) =>
        canDecide && d.allowedActions.length ? (
          <div className="flex justify-end gap-1">
            <Button size="sm" variant="secondary" aria-label={`Resolve the dispute of ${d.partnerName}`} onClick={() => setDeciding({ dispute: d, outcome: 'resolve' })}>
              <CheckCircle2 aria-hidden />
              Resolve
            </Button>
            <Button size="sm" variant="ghost" aria-label={`Reject the dispute of ${d.partnerName}`} onClick={() => setDeciding({ dispute: d, outcome: 'reject' })}>
              <XCircle aria-hidden />
              Reject
            </Button>
          </div>
        ) : null,
    },
  ];

  if (disputes.isError) return <QueryError error={disputes.error} retry={() => void disputes.refetch()} />;
  return (
    <>
      <DataTable
        label="Statement disputes"
        columns={columns}
        rows={disputes.data?.data}
        getRowId={(d) => d.id}
        loading={disputes.isFetching}
        pagination={pager.pagination(disputes.data?.nextCursor)}
        toolbar={
          <>
            <Select
              label="Filter by status"
              allLabel="Any status"
              value={status}
              onValueChange={setStatus}
              options={(Object.keys(DISPUTE_STATUS) as Status[]).map((s) => ({ value: s, label: DISPUTE_STATUS[s].label }))}
              className="w-36"
              size="sm"
            />
            <PartnerPicker label="Filter by partner" allLabel="All partners" value={partnerId} onValueChange={setPartnerId} className="w-44" size="sm" />
          </>
        }
        renderExpanded={(d) => <DisputeDetail dispute={d} />}
        empty={
          <EmptyState
            icon={MessageSquareWarning}
            title={status === 'open' && !partnerId ? 'No open disputes' : 'No dispute matches these filters'}
            description="Partners can dispute a statement from their portal: a missing commission, a wrong amount or another question. They show up here for finance to resolve."
          />
        }
      />
      {/* Keyed by dispute and outcome: each decision starts with an empty form. */}
      <DecisionDialog key={deciding ? `${deciding.dispute.id}:${deciding.outcome}` : 'closed'} deciding={deciding} onClose={() => setDeciding(null)} />
    </>
  );
}

function DisputeDetail({ dispute: d }: { dispute: Dispute }) {
  return (
    <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
      <dt className="text-slate-500">Message</dt>
      <dd className="whitespace-pre-line text-slate-800">{d.message}</dd>
      <dt className="text-slate-500">Opened by</dt>
      <dd className="text-slate-800">
        {d.openedBy} · {formatDateTime(d.createdAt)}
      </dd>
      {d.entryId ? (
        <>
          <dt className="text-slate-500">Statement line</dt>
          <dd className="font-mono text-xs text-slate-700">{d.entryId}</dd>
        </>
      ) : null}
      <dt className="text-slate-500">Statement</dt>
      <dd>
        <span className="text-slate-800">
          {d.statementNumber} · <Money amountMinor={d.payoutAmount.amountMinor} currency={d.payoutAmount.currency} />
        </span>
      </dd>
      {d.resolution ? (
        <>
          <dt className="text-slate-500">{d.status === 'rejected' ? 'Rejected' : 'Resolved'}</dt>
          <dd className="text-slate-800">
            {d.resolution}
            <span className="block text-xs text-slate-500">
              {d.resolvedBy} · {formatDateTime(d.resolvedAt)}
              {d.adjustment ? (
                <>
                  {' '}
                  · adjustment <Money amountMinor={d.adjustment.amountMinor} currency={d.adjustment.currency} /> in the ledger
                </>
              ) : null}
            </span>
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function DecisionDialog({ deciding, onClose }: { deciding: { dispute: Dispute; outcome: 'resolve' | 'reject' } | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [resolution, setResolution] = React.useState('');
  const [amount, setAmount] = React.useState('');
  const [errors, setErrors] = React.useState<Record<string, string | undefined>>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const d = deciding?.dispute;
  const currency = d?.payoutAmount.currency ?? 'USD';
  const decide = useMutation({
    mutationFn: () => {
      if (!deciding || !d) throw new Error('nothing to decide');
      const params = { params: { path: { id: d.id } } };
      if (deciding.outcome === 'reject') return unwrap(api.POST('/api/v1/payout-disputes/{id}/reject', { ...params, body: { resolution } }));
      const minor = amount.trim() ? decimalToMinor(amount, currency, { negative: true }) : null;
      if (amount.trim() && minor === null) {
        setErrors({ adjustment: `Enter an amount in ${currency} with at most ${currencyDigits(currency)} decimals, e.g. 25.00 or -10.00` });
        throw new Error('adjustment');
      }
      return unwrap(api.POST('/api/v1/payout-disputes/{id}/resolve', { ...params, body: { resolution, ...(minor ? { adjustment: { amountMinor: minor, currency } } : {}) } }));
    },
    onSuccess: (next) => {
      void queryClient.invalidateQueries({ queryKey: ['payout-disputes'] });
      void queryClient.invalidateQueries({ queryKey: ['commission-entries'] });
      toast({
        title: next.status === 'resolved' ? 'Dispute resolved' : 'Dispute rejected',
        description: next.adjustment ? 'The adjustment is approved and goes out with the partner’s next payout.' : 'The partner sees the decision in the portal.',
      });
      onClose();
    },
    onError: (error) => {
      if (error instanceof Error && error.message === 'adjustment') return;
      handleProblem(error, { setFieldErrors: setErrors, fields: ['resolution', 'adjustment'], mapPath: (p) => (p.startsWith('adjustment') ? 'adjustment' : p), onMessage: setMessage });
    },
  });
  const resolving = deciding?.outcome === 'resolve';
  return (
    <Dialog open={deciding !== null} onOpenChange={(o) => (o ? null : onClose())}>
      <DialogContent
        title={resolving ? 'Resolve the dispute' : 'Reject the dispute'}
        description={d ? `${d.partnerName} · statement ${d.statementNumber} · ${DISPUTE_REASON[d.reason].toLowerCase()}. The partner reads your answer in the portal.` : undefined}
      >
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            decide.mutate();
          }}
        >
          {message ? <InlineAlert message={message} /> : null}
          {d ? <p className="rounded-md bg-slate-50 px-3 py-2 text-sm whitespace-pre-line text-slate-700">“{d.message}”</p> : null}
          <FormField label={resolving ? 'Answer' : 'Why nothing is owed'} error={errors.resolution} required>
            <Textarea value={resolution} onChange={(ev) => setResolution(ev.target.value)} rows={3} placeholder={resolving ? 'e.g. The renewal was booked late; it is added to your next payout.' : 'e.g. Your tier was Silver (25 %) in October.'} />
          </FormField>
          {resolving ? (
            <FormField
              label={`Adjustment (${currency})`}
              optional
              error={errors.adjustment}
              hint={
                <>
                  {d?.expectedAmount ? (
                    <>
                      The partner expected <Money amountMinor={d.expectedAmount.amountMinor} currency={d.expectedAmount.currency} />.{' '}
                    </>
                  ) : null}
                  Approved at once and paid in the next run; negative to recover money. Leave empty when nothing is owed.
                </>
              }
            >
              <Input value={amount} onChange={(ev) => setAmount(ev.target.value)} inputMode="decimal" placeholder="25.00" />
            </FormField>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant={resolving ? 'primary' : 'destructive'} disabled={decide.isPending}>
              {resolving ? 'Resolve' : 'Reject'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
