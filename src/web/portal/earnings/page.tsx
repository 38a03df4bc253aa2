import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CircleDollarSign, Eye, ShieldCheck } from 'lucide-react';
import * as React from 'react';
import { ENTRY_STATUSES, kindLabel, statusOf } from '../../admin/commissions/labels';
import { api } from '../../api/client';
import { isStatus, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Card, CardBody } from '../../ui/card';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDate } from '../../ui/format';
import { Money, MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';
import { Skeleton } from '../../ui/skeleton';

type Earning = components['schemas']['PartnerEarning'];

/** Portal: what the partner earned, line by line, each with its explanation. */
export function PortalEarningsPage() {
  const [status, setStatus] = React.useState('');
  const pager = useCursorPager(status);
  const totals = useQuery({ queryKey: ['portal', 'earnings', 'totals'], queryFn: () => unwrap(api.GET('/api/v1/portal/earnings/totals')), retry: false });
  const query = { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}), ...(status ? { status: status as Earning['status'] } : {}) };
  const lines = useQuery({
    queryKey: ['portal', 'earnings', query],
    queryFn: () => unwrap(api.GET('/api/v1/portal/earnings', { params: { query } })),
    placeholderData: keepPreviousData,
    retry: false,
  });
  if (totals.isError && isStatus(totals.error, 403)) {
    return (
      <>
        <PageHeader title="Earnings" />
        <Card>
          <EmptyState icon={ShieldCheck} title="Earnings are for your admins and finance team" description="Ask a partner admin to give you the finance role to see commissions." />
        </Card>
      </>
    );
  }

  const columns: Column<Earning>[] = [
    { id: 'earned', header: 'Earned', cell: (e) => <span className="whitespace-nowrap text-slate-600">{formatDate(e.earnedAt)}</span> },
    {
      id: 'what',
      header: 'For',
      cell: (e) => (
        <span className="grid max-w-lg">
          <span className="flex items-center gap-1.5">
            <Badge tone={e.amount.amountMinor.startsWith('-') ? 'danger' : 'neutral'}>{kindLabel(e.kind)}</Badge>
            {e.customer ? <span className="text-xs text-slate-500">{e.customer}</span> : null}
            <span className="text-xs text-slate-400">{e.programName}</span>
          </span>
          <span className="text-xs text-slate-500">{e.explanation.summary}</span>
        </span>
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
            <Badge tone={s.tone}>{e.underReview && e.status === 'pending' ? 'Under review' : s.label}</Badge>
            {e.status === 'pending' && !e.underReview && e.holdUntil ? <span className="text-xs text-slate-400">approved after {formatDate(e.holdUntil)}</span> : null}
          </span>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader title="Earnings" description="Your commissions, bonuses and adjustments. New lines wait out the refund window (pending), then are approved and paid with the next payout." />
      <div className="mb-6 grid gap-3">
        {totals.isLoading ? <Skeleton className="h-24" /> : null}
        {(totals.data?.data ?? []).map((t) => (
          <div key={t.currency} className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            {(
              [
                ['Pending', t.pending, 'In the hold period or under review'],
                ['Approved', t.approved, 'Goes out with the next payout'],
                ['In payout', t.payable, 'Being paid now'],
                ['Paid', t.paid, 'Paid to you so far'],
              ] as const
            ).map(([label, value, hint]) => (
              <Card key={label}>
                <CardBody className="grid gap-0.5">
                  <span className="text-xs text-slate-500">{label}</span>
                  <Money amountMinor={value} currency={t.currency} className="text-xl font-semibold text-slate-900" />
                  <span className="text-xs text-slate-400">{hint}</span>
                </CardBody>
              </Card>
            ))}
          </div>
        ))}
      </div>
      {lines.isError ? <QueryError error={lines.error} retry={() => void lines.refetch()} /> : null}
      <DataTable
        label="Earnings"
        columns={columns}
        rows={lines.data?.data as Earning[] | undefined}
        getRowId={(e) => e.id}
        loading={lines.isFetching}
        toolbar={<Select label="Filter by status" allLabel="Any status" value={status} onValueChange={setStatus} options={ENTRY_STATUSES} className="w-40" size="sm" />}
        renderExpanded={(e) => (
          <div className="grid gap-1 py-2 text-sm">
            <p className="flex items-center gap-1.5 text-slate-700">
              <Eye aria-hidden className="size-3.5 text-slate-400" />
              {e.explanation.summary}
            </p>
            {e.explanation.modifiers.map((m) => (
              <p key={m.detail} className="text-xs text-slate-500">
                {m.kind.replace(/_/g, ' ')}: {m.detail}
              </p>
            ))}
          </div>
        )}
        empty={
          status ? (
            <EmptyState icon={CircleDollarSign} title="Nothing with this status" description="Try another status." />
          ) : (
            <EmptyState icon={CircleDollarSign} title="No earnings yet" description="Share your referral links: every sale and won deal credited to you appears here with how it was calculated." />
          )
        }
        pagination={pager.pagination(lines.data?.nextCursor)}
      />
    </>
  );
}
