import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Layers, Plus } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { Program, ProgramStatus } from '../../api/types';
import { labelOf, PARTNER_TYPES, PROGRAM_STATUSES, programStatusTone } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDate, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Select } from '../../ui/select';

const PAGE_SIZE = 25;

export function ProgramsPage() {
  const navigate = useNavigate();
  const canWrite = useCan()('programs:write');
  const [status, setStatus] = React.useState<ProgramStatus | ''>('');
  const pager = useCursorPager(status);
  const query = { limit: PAGE_SIZE, ...(status ? { status } : {}), ...(pager.cursor ? { cursor: pager.cursor } : {}) };
  const programs = useQuery({
    queryKey: ['programs', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/programs', { params: { query } })),
    placeholderData: keepPreviousData,
  });

  const columns: Column<Program>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (program) => (
        <div className="min-w-0">
          <Link
            to="/app/programs/$programId"
            params={{ programId: program.id }}
            className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
          >
            {program.name}
          </Link>
          {program.description ? (
            <p className="max-w-md truncate text-xs text-slate-500">{program.description}</p>
          ) : null}
        </div>
      ),
    },
    { id: 'type', header: 'Partner type', cell: (program) => labelOf(PARTNER_TYPES, program.partnerType) },
    {
      id: 'currency',
      header: 'Currency',
      cell: (program) => <span className="font-mono text-[13px]">{program.currency}</span>,
    },
    {
      id: 'partners',
      header: 'Partners',
      align: 'right',
      cell: (program) => formatNumber(program.enrolledPartners),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (program) => (
        <Badge tone={programStatusTone(program.status)} dot>
          {labelOf(PROGRAM_STATUSES, program.status)}
        </Badge>
      ),
    },
    { id: 'createdAt', header: 'Created', cell: (program) => formatDate(program.createdAt), hideOnMobile: true },
  ];

  return (
    <>
      <PageHeader
        title="Programs"
        description="Each program sets the partner type, terms and currency that partners join under."
        actions={
          canWrite ? (
            <Button onClick={() => void navigate({ to: '/app/programs/new' })}>
              <Plus aria-hidden />
              New program
            </Button>
          ) : null
        }
      />
      {programs.isError ? <QueryError error={programs.error} retry={() => void programs.refetch()} /> : null}
      <DataTable
        label="Programs"
        columns={columns}
        rows={programs.data?.data}
        getRowId={(program) => program.id}
        loading={programs.isFetching}
        pagination={pager.pagination(programs.data?.nextCursor)}
        toolbar={
          <Select
            label="Filter by status"
            allLabel="All statuses"
            value={status}
            onValueChange={(next) => setStatus(next as ProgramStatus | '')}
            options={PROGRAM_STATUSES}
            className="w-40"
            size="sm"
          />
        }
        empty={
          status ? (
            <EmptyState icon={Layers} title={`No ${status} program`} description="Choose another status to see more." />
          ) : (
            <EmptyState
              icon={Layers}
              title="No program yet"
              description="Create your first program, for example a referral program with its terms, then enroll partners in it."
              action={
                canWrite ? (
                  <Button asChild>
                    <Link to="/app/programs/new">Create your first program</Link>
                  </Button>
                ) : null
              }
            />
          )
        }
      />
    </>
  );
}
