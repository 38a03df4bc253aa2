import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { FileUp, Plus, Search, SearchX, Users, X } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { membersQuery } from '../../api/queries';
import type { Partner, PartnerQuery } from '../../api/types';
import { labelOf, PARTNER_TYPES } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import type { PartnersSearch } from '../../router/search';
import { QueryError } from '../../shared/screens';
import { Badge, BadgeList } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { countryName, formatDate } from '../../ui/format';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';
import { ProgramFilter } from '../program-filter';
import { PartnerFormDialog } from './partner-form';

const partnersApi = getRouteApi('/app/console/partners');

const PAGE_SIZE = 25;

export function PartnersPage() {
  const search = partnersApi.useSearch();
  const navigate = useNavigate({ from: '/app/partners' });
  const can = useCan();
  const canWrite = can('partners:write');
  const sort = search.sort ?? '-createdAt';
  const filters = {
    q: search.q,
    type: search.type,
    programId: search.programId,
    tag: search.tag,
    managerId: search.managerId,
  };
  const filterKey = JSON.stringify([filters, sort]);
  const pager = useCursorPager(filterKey);
  const members = useQuery(membersQuery);

  const query: PartnerQuery = {
    limit: PAGE_SIZE,
    sort,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.type ? { type: filters.type as PartnerQuery['type'] } : {}),
    ...(filters.programId ? { programId: filters.programId } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.managerId ? { managerId: filters.managerId } : {}),
  };
  const partners = useQuery({
    queryKey: ['partners', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const setSearch = (patch: Partial<PartnersSearch>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });

  const hasFilters = Object.values(filters).some(Boolean);

  const columns: Column<Partner>[] = [
    {
      id: 'name',
      header: 'Name',
      sortKey: 'name',
      cell: (partner) => (
        <div className="min-w-0">
          <Link
            to="/app/partners/$partnerId"
            params={{ partnerId: partner.id }}
            className="font-medium text-slate-900 hover:text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
          >
            {partner.name}
          </Link>
          {partner.domain ? <div className="truncate text-xs text-slate-500">{partner.domain}</div> : null}
        </div>
      ),
    },
    { id: 'type', header: 'Type', cell: (partner) => <Badge>{labelOf(PARTNER_TYPES, partner.type)}</Badge> },
    { id: 'country', header: 'Country', cell: (partner) => countryName(partner.country), hideOnMobile: true },
    {
      id: 'tags',
      header: 'Tags',
      cell: (partner) => <BadgeList items={partner.tags} max={3} />,
    },
    {
      id: 'manager',
      header: 'Manager',
      cell: (partner) => partner.managerName ?? <span className="text-slate-400">Unassigned</span>,
    },
    {
      id: 'createdAt',
      header: 'Added',
      sortKey: 'createdAt',
      cell: (partner) => <span className="whitespace-nowrap text-slate-500">{formatDate(partner.createdAt)}</span>,
    },
  ];

  return (
    <>
      <PageHeader
        title="Partners"
        description="Every company and person in your partner programs."
        actions={
          canWrite ? (
            <>
              <Button asChild variant="secondary">
                <Link to="/app/partners/import">
                  <FileUp aria-hidden />
                  Import CSV
                </Link>
              </Button>
              <Button onClick={() => setSearch({ add: true })}>
                <Plus aria-hidden />
                Add partner
              </Button>
            </>
          ) : null
        }
      />
      {partners.isError ? <QueryError error={partners.error} retry={() => void partners.refetch()} /> : null}
      <DataTable
        label="Partners"
        columns={columns}
        rows={partners.data?.data}
        getRowId={(partner) => partner.id}
        loading={partners.isFetching}
        sort={sort}
        onSortChange={(next) => setSearch({ sort: next as PartnersSearch['sort'] })}
        pagination={pager.pagination(partners.data?.nextCursor)}
        toolbar={
          <>
            <SearchInput value={search.q ?? ''} onChange={(q) => setSearch({ q: q || undefined })} />
            <Select
              label="Filter by type"
              allLabel="All types"
              value={search.type ?? ''}
              onValueChange={(type) => setSearch({ type: type || undefined })}
              options={PARTNER_TYPES}
              className="w-36"
              size="sm"
            />
            <ProgramFilter value={search.programId} onChange={(programId) => setSearch({ programId })} className="w-40" />
            <Select
              label="Filter by manager"
              allLabel="Any manager"
              value={search.managerId ?? ''}
              onValueChange={(managerId) => setSearch({ managerId: managerId || undefined })}
              options={(members.data?.data ?? []).map((member) => ({
                value: member.id,
                label: member.name || member.email,
              }))}
              className="w-40"
              size="sm"
            />
            <TagInput value={search.tag ?? ''} onChange={(tag) => setSearch({ tag: tag || undefined })} />
            {hasFilters ? (
              <Button
                variant="ghost"
                size="sm"
                onClick={() =>
                  setSearch({
                    q: undefined,
                    type: undefined,
                    programId: undefined,
                    tag: undefined,
                    managerId: undefined,
                  })
                }
              >
                <X aria-hidden />
                Clear filters
              </Button>
            ) : null}
          </>
        }
        empty={
          hasFilters ? (
            <EmptyState
              icon={SearchX}
              title="No partner matches these filters"
              description="Try a different search or clear the filters."
            />
          ) : (
            <EmptyState
              icon={Users}
              title="No partners yet"
              description={
                canWrite
                  ? 'Add the partners you already work with one by one, or import them all at once from a CSV file.'
                  : 'Partners added by your team show up here.'
              }
              action={
                canWrite ? (
                  <>
                    <Button onClick={() => setSearch({ add: true })}>Add your first partner</Button>
                    <Button asChild variant="secondary">
                      <Link to="/app/partners/import">Import a CSV file</Link>
                    </Button>
                  </>
                ) : null
              }
            />
          )
        }
      />
      <PartnerFormDialog
        open={Boolean(search.add) && canWrite}
        onOpenChange={(open) => setSearch({ add: open ? true : undefined })}
        onSaved={(partner) =>
          void navigate({ to: '/app/partners/$partnerId', params: { partnerId: partner.id }, search: {} })
        }
      />
    </>
  );
}

/** Search box that updates the URL after typing pauses. */
function SearchInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [text, setText] = React.useState(value);
  const onChangeRef = React.useRef(onChange);
  onChangeRef.current = onChange;
  React.useEffect(() => setText(value), [value]);
  React.useEffect(() => {
    if (text.trim() === value) return;
    const timer = window.setTimeout(() => onChangeRef.current(text.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [text, value]);
  return (
    <div className="relative w-full sm:w-64">
      <Search
        className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400"
        aria-hidden
      />
      <Input
        type="search"
        aria-label="Search partners"
        placeholder="Search by name or domain"
        value={text}
        onChange={(event) => setText(event.target.value)}
        className="h-8 pl-8 text-[13px]"
      />
    </div>
  );
}

function TagInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [text, setText] = React.useState(value);
  React.useEffect(() => setText(value), [value]);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onChange(text.trim());
      }}
      className="w-32"
    >
      <Input
        aria-label="Filter by tag"
        placeholder="Tag"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={() => text.trim() !== value && onChange(text.trim())}
        className="h-8 text-[13px]"
      />
    </form>
  );
}
