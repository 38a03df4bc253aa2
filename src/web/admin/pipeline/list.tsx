import { PartnerPicker } from '../partner-picker';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Columns3, Handshake, List, SearchX, X } from 'lucide-react';
import type * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { Deal, DealQuery, Stage } from '../../api/types';
import { cn } from '../../lib/cn';
import { CREDIT_ROLES, formatBp, labelOf, stageKindTone } from '../../lib/labels';
import type { PipelineSearch } from '../../router/search';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDate, formatMoney } from '../../ui/format';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Segmented } from '../../ui/segmented';
import { Select } from '../../ui/select';
import { Skeleton } from '../../ui/skeleton';

const pipelineApi = getRouteApi('/app/console/pipeline');
const BOARD_LIMIT = 100;

export function PipelinePage() {
  const search = pipelineApi.useSearch();
  const navigate = useNavigate({ from: '/app/pipeline' });
  const view = search.view ?? 'board';
  const filters = { partnerId: search.partnerId, role: search.role, stageId: search.stageId };
  const pager = useCursorPager(JSON.stringify([filters, view]));
  const pipelines = useQuery({
    queryKey: ['pipelines'],
    queryFn: () => unwrap(api.GET('/api/v1/pipelines')),
  });
  const pipeline = pipelines.data?.data.find((item) => item.isDefault) ?? pipelines.data?.data[0];
  const stages = pipeline?.stages ?? [];

  const query: DealQuery = {
    limit: 25,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(filters.partnerId ? { partnerId: filters.partnerId } : {}),
    ...(filters.role ? { role: filters.role as DealQuery['role'] } : {}),
    ...(filters.stageId ? { stageId: filters.stageId } : {}),
  };
  const deals = useQuery({
    queryKey: ['deals', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/deals', { params: { query } })),
    placeholderData: keepPreviousData,
    enabled: view === 'list',
  });
  // The board and the header totals read one large page; the list view pages through the rest.
  const boardQuery: DealQuery = { ...query, limit: BOARD_LIMIT };
  delete boardQuery.cursor;
  delete boardQuery.stageId;
  const board = useQuery({
    queryKey: ['deals', 'list', boardQuery],
    queryFn: () => unwrap(api.GET('/api/v1/deals', { params: { query: boardQuery } })),
    placeholderData: keepPreviousData,
  });

  const setSearch = (patch: Partial<PipelineSearch>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  const hasFilters = Boolean(filters.partnerId || filters.role || filters.stageId);

  const toolbar = (
    <>
      <PartnerPicker
        label="Filter by partner"
        allLabel="All partners"
        value={search.partnerId ?? ''}
        onValueChange={(partnerId) => setSearch({ partnerId: partnerId || undefined })}
        className="w-48"
        size="sm"
      />
      <Select
        label="Filter by partner role"
        allLabel="Any role"
        value={search.role ?? ''}
        onValueChange={(role) => setSearch({ role: role || undefined })}
        options={CREDIT_ROLES}
        className="w-36"
        size="sm"
      />
      <Select
        label="Filter by stage"
        allLabel="All stages"
        value={search.stageId ?? ''}
        onValueChange={(stageId) => setSearch({ stageId: stageId || undefined })}
        options={stages.map((stage) => ({ value: stage.id, label: stage.name }))}
        className="w-40"
        size="sm"
      />
      {hasFilters ? (
        <Button
          variant="ghost"
          size="sm"
          onClick={() => setSearch({ partnerId: undefined, role: undefined, stageId: undefined })}
        >
          <X aria-hidden />
          Clear filters
        </Button>
      ) : null}
    </>
  );

  const empty = hasFilters ? (
    <EmptyState icon={SearchX} title="No deal matches these filters" description="Try another partner, role or stage." />
  ) : (
    <EmptyState
      icon={Handshake}
      title="No deals yet"
      description="Approving a partner’s registration creates its deal here, credited to the partner who sourced it."
      action={
        <Button asChild variant="secondary">
          <Link to="/app/registrations">Review registrations</Link>
        </Button>
      }
    />
  );

  return (
    <>
      <PageHeader
        title="Pipeline"
        description={
          <PipelineTotals deals={board.data?.data} truncated={Boolean(board.data?.nextCursor)} />
        }
        actions={
          <Segmented
            label="View"
            value={view}
            onChange={(value) => setSearch({ view: value === 'board' ? undefined : value })}
            options={[
              ['board', 'Board', Columns3],
              ['list', 'List', List],
            ]}
          />
        }
      />
      {board.isError ? <QueryError error={board.error} retry={() => void board.refetch()} /> : null}
      {deals.isError ? <QueryError error={deals.error} retry={() => void deals.refetch()} /> : null}
      {pipelines.isError ? <QueryError error={pipelines.error} retry={() => void pipelines.refetch()} /> : null}
      {view === 'board' ? (
        <Board
          stages={stages.filter((stage) => !filters.stageId || stage.id === filters.stageId)}
          deals={board.data?.data}
          toolbar={toolbar}
          empty={empty}
          truncated={Boolean(board.data?.nextCursor)}
        />
      ) : (
        <DataTable
          label="Deals"
          columns={listColumns}
          rows={deals.data?.data}
          getRowId={(deal) => deal.id}
          loading={deals.isFetching}
          toolbar={toolbar}
          empty={empty}
          pagination={pager.pagination(deals.data?.nextCursor)}
        />
      )}
    </>
  );
}

/** Open pipeline and weighted pipeline (amount × stage probability), per currency. */
function PipelineTotals({ deals, truncated }: { deals: Deal[] | undefined; truncated: boolean }) {
  if (!deals) return <Skeleton className="mt-1 h-4 w-72" />;
  const totals = new Map<string, { total: bigint; weighted: bigint; count: number }>();
  for (const deal of deals) {
    if (deal.stage.kind !== 'open' || !deal.amount) continue;
    const entry = totals.get(deal.amount.currency) ?? { total: 0n, weighted: 0n, count: 0 };
    entry.total += BigInt(deal.amount.amountMinor);
    entry.weighted += BigInt(deal.weightedAmount?.amountMinor ?? '0');
    entry.count += 1;
    totals.set(deal.amount.currency, entry);
  }
  if (totals.size === 0) return <span>Open deals by stage, with the partners credited on each.</span>;
  return (
    <span className="flex flex-wrap gap-x-5 gap-y-1">
      {[...totals].map(([currency, entry]) => (
        <span key={currency}>
          <span className="text-slate-500">Weighted </span>
          <span className="font-semibold text-slate-900 tabular-nums">{formatMoney(entry.weighted, currency)}</span>
          <span className="text-slate-500">
            {' '}
            of {formatMoney(entry.total, currency)} open · {entry.count} deal{entry.count === 1 ? '' : 's'}
          </span>
        </span>
      ))}
      {truncated ? <span className="text-slate-400">(first {BOARD_LIMIT} deals)</span> : null}
    </span>
  );
}

function Credits({ deal }: { deal: Deal }) {
  if (deal.credits.length === 0) return <span className="text-xs text-slate-400">Direct</span>;
  return (
    <span className="flex min-w-0 flex-wrap gap-1">
      {deal.credits.map((credit) => (
        <Badge
          key={`${credit.partnerId}-${credit.role}`}
          tone="brand"
          className="max-w-full"
          title={`${credit.partnerName} · ${labelOf(CREDIT_ROLES, credit.role)} · ${formatBp(credit.shareBp)}`}
        >
          <span className="min-w-0 truncate">{credit.partnerName}</span>
          <span className="shrink-0 text-brand-500">· {labelOf(CREDIT_ROLES, credit.role)}</span>
        </Badge>
      ))}
    </span>
  );
}

const listColumns: Column<Deal>[] = [
  {
    id: 'name',
    header: 'Deal',
    cell: (deal) => (
      <div className="min-w-0">
        <Link
          to="/app/pipeline/$dealId"
          params={{ dealId: deal.id }}
          className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
        >
          {deal.name}
        </Link>
        <div className="truncate text-xs text-slate-500">{deal.account.name}</div>
      </div>
    ),
  },
  {
    id: 'stage',
    header: 'Stage',
    cell: (deal) => (
      <Badge tone={stageKindTone(deal.stage.kind)} dot>
        {deal.stage.name}
      </Badge>
    ),
  },
  { id: 'amount', header: 'Amount', align: 'right', cell: (deal) => <MoneyValue value={deal.amount} className="font-medium text-slate-900" /> },
  { id: 'partners', header: 'Partners', cell: (deal) => <Credits deal={deal} /> },
  {
    id: 'close',
    header: 'Close date',
    hideOnMobile: true,
    cell: (deal) => <span className="whitespace-nowrap">{formatDate(deal.closeDate)}</span>,
  },
  {
    id: 'owner',
    header: 'Owner',
    hideOnMobile: true,
    cell: (deal) => (
      <span className="whitespace-nowrap">{deal.owner?.name ?? <span className="text-slate-400">Unassigned</span>}</span>
    ),
  },
];

function Board({
  stages,
  deals,
  toolbar,
  empty,
  truncated,
}: {
  stages: Stage[];
  deals: Deal[] | undefined;
  toolbar: React.ReactNode;
  empty: React.ReactNode;
  truncated: boolean;
}) {
  return (
    <div className="grid gap-4">
      <Card className="flex flex-wrap items-center gap-2 px-4 py-3">{toolbar}</Card>
      {deals && deals.length === 0 ? <Card>{empty}</Card> : null}
      <div className="-mx-4 overflow-x-auto px-4 pb-2 sm:-mx-6 sm:px-6 lg:-mx-8 lg:px-8">
        <div className="flex min-w-max gap-3">
          {stages.map((stage) => {
            const inStage = deals?.filter((deal) => deal.stage.id === stage.id) ?? [];
            return (
              <section
                key={stage.id}
                aria-label={stage.name}
                className="flex w-56 shrink-0 flex-col rounded-xl border border-slate-200 bg-slate-100/70"
              >
                <header className="flex items-center justify-between gap-2 px-3 pt-3 pb-2">
                  <h2 className="flex items-center gap-2 text-[13px] font-semibold text-slate-800">
                    <span
                      className={cn(
                        'size-2 rounded-full',
                        stage.kind === 'won' ? 'bg-emerald-500' : stage.kind === 'lost' ? 'bg-slate-400' : 'bg-brand-500',
                      )}
                      aria-hidden
                    />
                    {stage.name}
                  </h2>
                  <span className="text-xs text-slate-500 tabular-nums">
                    {inStage.length} · {formatBp(stage.winProbabilityBp)}
                  </span>
                </header>
                <ul className="grid min-h-24 grid-cols-[minmax(0,1fr)] content-start gap-2 px-2 pb-2">
                  {deals === undefined
                    ? [0, 1].map((index) => (
                        <li key={index}>
                          <Skeleton className="h-24 rounded-lg" />
                        </li>
                      ))
                    : inStage.map((deal) => (
                        <li key={deal.id}>
                          <DealCard deal={deal} />
                        </li>
                      ))}
                </ul>
              </section>
            );
          })}
        </div>
      </div>
      {truncated ? (
        <p className="text-[13px] text-slate-500">
          The board shows the first {BOARD_LIMIT} deals. Narrow it with the filters or use the list view.
        </p>
      ) : null}
    </div>
  );
}

function DealCard({ deal }: { deal: Deal }) {
  return (
    <Link
      to="/app/pipeline/$dealId"
      params={{ dealId: deal.id }}
      className="block rounded-lg border border-slate-200 bg-white p-3 shadow-card transition hover:border-brand-300 hover:shadow-md focus-visible:outline-2 focus-visible:outline-brand-500"
    >
      <p className="truncate text-sm font-medium text-slate-900">{deal.name}</p>
      <p className="truncate text-xs text-slate-500">{deal.account.name}</p>
      <p className="mt-2 text-sm font-semibold text-slate-900">
        <MoneyValue value={deal.amount} />
      </p>
      <div className="mt-2">
        <Credits deal={deal} />
      </div>
      {deal.closeDate ? <p className="mt-2 text-xs text-slate-500">Closes {formatDate(deal.closeDate)}</p> : null}
    </Link>
  );
}
