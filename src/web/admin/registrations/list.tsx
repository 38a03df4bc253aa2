import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { AlertTriangle, ClipboardCheck, SearchX, X } from 'lucide-react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { Registration, RegistrationQuery } from '../../api/types';
import { labelOf, REGISTRATION_STATUSES, registrationStatusTone } from '../../lib/labels';
import type { RegistrationsSearch } from '../../router/search';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { ProtectionChip, SlaChip } from '../../ui/countdown';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatRelative } from '../../ui/format';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';
import { ProgramFilter } from '../program-filter';

const registrationsApi = getRouteApi('/app/console/registrations');
const PAGE_SIZE = 25;
const OPEN = ['submitted', 'info_requested'];

export function RegistrationsPage() {
  const search = registrationsApi.useSearch();
  const navigate = useNavigate({ from: '/app/registrations' });
  // The queue opens on what waits for a decision.
  const status = search.status ?? 'open';
  const filters = { status, programId: search.programId, conflicts: search.conflicts };
  const pager = useCursorPager(JSON.stringify(filters));

  const query: RegistrationQuery = {
    limit: PAGE_SIZE,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(status !== 'all' ? { status: status === 'open' ? OPEN.join(',') : status } : {}),
    ...(filters.programId ? { programId: filters.programId } : {}),
    ...(filters.conflicts ? { hasConflicts: 'true' } : {}),
  };
  const registrations = useQuery({
    queryKey: ['registrations', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/registrations', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const setSearch = (patch: Partial<RegistrationsSearch>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });
  const hasFilters = Boolean(search.status || search.programId || search.conflicts);

  const columns: Column<Registration>[] = [
    {
      id: 'account',
      header: 'Account',
      cell: (row) => (
        <div className="min-w-0">
          <Link
            to="/app/registrations/$registrationId"
            params={{ registrationId: row.id }}
            className="font-medium text-slate-900 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
          >
            {row.accountName}
          </Link>
          <div className="truncate text-xs text-slate-500">{row.accountDomain ?? 'No domain'}</div>
        </div>
      ),
    },
    {
      id: 'partner',
      header: 'Partner',
      cell: (row) => (
        <div className="min-w-0">
          <div className="truncate text-slate-800">{row.partnerName}</div>
          <div className="truncate text-xs text-slate-500">{row.programName}</div>
        </div>
      ),
    },
    {
      id: 'amount',
      header: 'Amount',
      align: 'right',
      cell: (row) =>
        row.amount ? <MoneyValue value={row.amount} className="font-medium text-slate-900" /> : <span>—</span>,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (row) => (
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge tone={registrationStatusTone(row.status)} dot>
            {labelOf(REGISTRATION_STATUSES, row.status)}
          </Badge>
          {row.conflictCount > 0 ? (
            <Badge tone="danger" title="Another claim on the same customer">
              <AlertTriangle aria-hidden />
              {row.conflictCount === 1 ? 'Conflict' : `${row.conflictCount} conflicts`}
            </Badge>
          ) : null}
        </div>
      ),
    },
    {
      id: 'sla',
      header: 'Time left',
      cell: (row) =>
        OPEN.includes(row.status) ? (
          <SlaChip dueAt={row.slaDueAt} windowHours={slaWindowHours(row)} breached={Boolean(row.slaBreachedAt)} />
        ) : row.status === 'approved' && row.protectionEndsAt ? (
          <ProtectionChip endsAt={row.protectionEndsAt} />
        ) : (
          <span className="text-slate-400">—</span>
        ),
    },
    {
      id: 'reviewer',
      header: 'Reviewer',
      hideOnMobile: true,
      cell: (row) => (
        <span className="whitespace-nowrap">{row.reviewerName ?? <span className="text-slate-400">Unassigned</span>}</span>
      ),
    },
    {
      id: 'createdAt',
      header: 'Submitted',
      hideOnMobile: true,
      cell: (row) => <span className="whitespace-nowrap text-slate-500">{formatRelative(row.createdAt)}</span>,
    },
  ];

  return (
    <>
      <PageHeader
        title="Registrations"
        description="Deals partners have claimed. Decide before the SLA runs out; conflicts are flagged."
      />
      {registrations.isError ? (
        <QueryError error={registrations.error} retry={() => void registrations.refetch()} />
      ) : null}
      <DataTable
        label="Registrations"
        columns={columns}
        rows={registrations.data?.data}
        getRowId={(row) => row.id}
        loading={registrations.isFetching}
        pagination={pager.pagination(registrations.data?.nextCursor)}
        toolbar={
          <>
            <Select
              label="Filter by status"
              value={status}
              onValueChange={(next) => setSearch({ status: next === 'open' ? undefined : next })}
              options={[
                { value: 'open', label: 'Waiting for a decision' },
                { value: 'all', label: 'All statuses' },
                ...REGISTRATION_STATUSES,
              ]}
              className="w-52"
              size="sm"
            />
            <ProgramFilter value={search.programId} onChange={(programId) => setSearch({ programId })} className="w-44" />
            <Button
              variant={search.conflicts ? 'primary' : 'secondary'}
              size="sm"
              aria-pressed={Boolean(search.conflicts)}
              onClick={() => setSearch({ conflicts: search.conflicts ? undefined : true })}
            >
              <AlertTriangle aria-hidden />
              Has conflicts
            </Button>
            {hasFilters ? (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => setSearch({ status: undefined, programId: undefined, conflicts: undefined })}
              >
                <X aria-hidden />
                Clear filters
              </Button>
            ) : null}
            <span className="ml-auto text-[13px] text-slate-500">Sorted by SLA due</span>
          </>
        }
        empty={
          hasFilters ? (
            <EmptyState
              icon={SearchX}
              title="No registration matches these filters"
              description="Try another status or program, or clear the filters."
            />
          ) : (
            <EmptyState
              icon={ClipboardCheck}
              title="Nothing waits for a decision"
              description="When partners register deals in the portal or through their public link, they queue here with their SLA."
            />
          )
        }
      />
    </>
  );
}

/** The review window the SLA chip measures against: submission → due. */
export function slaWindowHours(row: { createdAt: string; slaDueAt: string }): number {
  const hours = (new Date(row.slaDueAt).getTime() - new Date(row.createdAt).getTime()) / 3_600_000;
  return hours > 0 ? hours : 48;
}
