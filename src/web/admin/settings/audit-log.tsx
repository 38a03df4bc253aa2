import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ScrollText, SearchX, X } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { membersQuery } from '../../api/queries';
import type { AuditEntry, AuditQuery } from '../../api/types';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDateTime, formatRelative } from '../../ui/format';
import { Input } from '../../ui/input';
import { Label } from '../../ui/label';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';

const ENTITY_TYPES = [
  'partner',
  'program',
  'enrollment',
  'partner_user',
  'partner_import',
  'member',
  'invitation',
  'api_key',
  'workspace',
].map((value) => ({ value, label: value.replaceAll('_', ' ').replace(/^./, (c) => c.toUpperCase()) }));

interface Filters {
  actorId: string;
  entityType: string;
  action: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actorId: '', entityType: '', action: '', from: '', to: '' };

/** datetime-local value (local time, no zone) → ISO instant. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function AuditLogPage() {
  const [filters, setFilters] = React.useState<Filters>(EMPTY);
  const [actionText, setActionText] = React.useState('');
  const pager = useCursorPager(JSON.stringify(filters));
  const members = useQuery(membersQuery);

  const query: AuditQuery = {
    limit: 50,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(filters.actorId ? { actorId: filters.actorId } : {}),
    ...(filters.entityType ? { entityType: filters.entityType } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(toIso(filters.from) ? { from: toIso(filters.from) } : {}),
    ...(toIso(filters.to) ? { to: toIso(filters.to) } : {}),
  };
  const entries = useQuery({
    queryKey: ['audit', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/audit-entries', { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const set = (patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch }));
  const hasFilters = Object.values(filters).some(Boolean);

  const columns: Column<AuditEntry>[] = [
    {
      id: 'createdAt',
      header: 'Time',
      cell: (entry) => (
        <span className="whitespace-nowrap text-slate-600" title={formatDateTime(entry.createdAt)}>
          {formatRelative(entry.createdAt)}
        </span>
      ),
    },
    {
      id: 'actor',
      header: 'Actor',
      cell: (entry) => (
        <div className="min-w-0">
          <div className="font-medium text-slate-900">
            {entry.actorName ?? (entry.actorType === 'system' ? 'System' : '—')}
          </div>
          <div className="text-xs text-slate-500">{entry.actorType.replaceAll('_', ' ')}</div>
        </div>
      ),
    },
    {
      id: 'action',
      header: 'Action',
      cell: (entry) => <code className="font-mono text-[13px] text-slate-800">{entry.action}</code>,
    },
    {
      id: 'entity',
      header: 'Entity',
      cell: (entry) => (
        <div className="flex items-center gap-2">
          <Badge tone="muted">{entry.entityType.replaceAll('_', ' ')}</Badge>
          <code className="truncate font-mono text-xs text-slate-500">{entry.entityId}</code>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this workspace: who did what, when, and from which request. Entries cannot be edited."
      />
      {entries.isError ? <QueryError error={entries.error} retry={() => void entries.refetch()} /> : null}
      <DataTable
        label="Audit entries"
        columns={columns}
        rows={entries.data?.data}
        getRowId={(entry) => entry.id}
        loading={entries.isFetching}
        pagination={pager.pagination(entries.data?.nextCursor)}
        renderExpanded={(entry) => <Changes entry={entry} />}
        toolbar={
          <div className="flex w-full flex-wrap items-end gap-2">
            <Select
              label="Filter by actor"
              allLabel="Any actor"
              value={filters.actorId}
              onValueChange={(actorId) => set({ actorId })}
              options={(members.data?.data ?? []).map((member) => ({
                value: member.userId,
                label: member.name || member.email,
              }))}
              className="w-40"
              size="sm"
            />
            <Select
              label="Filter by entity type"
              allLabel="Any entity"
              value={filters.entityType}
              onValueChange={(entityType) => set({ entityType })}
              options={ENTITY_TYPES}
              className="w-40"
              size="sm"
            />
            <form
              onSubmit={(event) => {
                event.preventDefault();
                set({ action: actionText.trim() });
              }}
            >
              <Input
                aria-label="Filter by action"
                placeholder="Action, e.g. partner.created"
                value={actionText}
                onChange={(event) => setActionText(event.target.value)}
                onBlur={() => actionText.trim() !== filters.action && set({ action: actionText.trim() })}
                className="h-8 w-52 text-[13px]"
              />
            </form>
            <div className="flex items-center gap-1.5">
              <Label htmlFor="audit-from" className="text-[13px] font-normal text-slate-500">
                From
              </Label>
              <Input
                id="audit-from"
                type="datetime-local"
                value={filters.from}
                onChange={(event) => set({ from: event.target.value })}
                className="h-8 w-48 text-[13px]"
              />
            </div>
            <div className="flex items-center gap-1.5">
              <Label htmlFor="audit-to" className="text-[13px] font-normal text-slate-500">
                To
              </Label>
              <Input
                id="audit-to"
                type="datetime-local"
                value={filters.to}
                onChange={(event) => set({ to: event.target.value })}
                className="h-8 w-48 text-[13px]"
              />
            </div>
            {hasFilters ? (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  setFilters(EMPTY);
                  setActionText('');
                }}
              >
                <X aria-hidden />
                Clear filters
              </Button>
            ) : null}
          </div>
        }
        empty={
          hasFilters ? (
            <EmptyState
              icon={SearchX}
              title="No entry matches these filters"
              description="Widen the time range or clear the filters."
            />
          ) : (
            <EmptyState
              icon={ScrollText}
              title="Nothing recorded yet"
              description="Create a program or add a partner; every change is recorded here."
            />
          )
        }
      />
    </>
  );
}

function Changes({ entry }: { entry: AuditEntry }) {
  const hasChanges = entry.changes !== null && entry.changes !== undefined && JSON.stringify(entry.changes) !== '{}';
  return (
    <div className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <dl className="flex flex-wrap gap-x-8 gap-y-1 text-xs text-slate-500">
        <div>
          <dt className="inline">Time </dt>
          <dd className="inline text-slate-800">{formatDateTime(entry.createdAt)}</dd>
        </div>
        {entry.actorId ? (
          <div>
            <dt className="inline">Actor id </dt>
            <dd className="inline font-mono text-slate-800">{entry.actorId}</dd>
          </div>
        ) : null}
        {entry.requestId ? (
          <div>
            <dt className="inline">Request </dt>
            <dd className="inline font-mono text-slate-800">{entry.requestId}</dd>
          </div>
        ) : null}
      </dl>
      {hasChanges ? (
        <pre className="max-h-80 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
          {JSON.stringify(entry.changes, null, 2)}
        </pre>
      ) : (
        <p className="text-sm text-slate-500">No field changes recorded for this action.</p>
      )}
    </div>
  );
}
