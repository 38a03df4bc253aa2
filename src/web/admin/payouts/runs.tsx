import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Banknote, Download, Plus } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { programsQuery } from '../../api/queries';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Money } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { NativeSelect } from '../../ui/select';
import { downloadFile } from './download';
import { StatementDisputes, openDisputesQuery } from './disputes';
import { RUN_STATUS } from './labels';

type PayoutRun = components['schemas']['PayoutRun'];

export function MoneyList({ items }: { items: { amountMinor: string; currency: string }[] }) {
  if (items.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <span className="inline-flex flex-col items-end">
      {items.map((m) => (
        <Money key={m.currency} amountMinor={m.amountMinor} currency={m.currency} />
      ))}
    </span>
  );
}

export function RunStatusBadge({ status }: { status: string }) {
  const s = RUN_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  return (
    <Badge tone={s.tone} dot>
      {s.label}
    </Badge>
  );
}

export function PayoutRunsPage() {
  const can = useCan();
  const [creating, setCreating] = React.useState(false);
  const [tab, setTab] = React.useState('runs');
  const openDisputes = useQuery(openDisputesQuery);
  const disputeCount = openDisputes.data?.data.length ?? 0;
  const pager = useCursorPager('runs');
  const runs = useQuery({
    queryKey: ['payout-runs', pager.cursor],
    queryFn: () =>
      unwrap(api.GET('/api/v1/payout-runs', { params: { query: { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}) } } })),
  });
  const columns: Column<PayoutRun>[] = [
    {
      id: 'number',
      header: 'Run',
      cell: (r) => (
        <Link to="/app/payouts/$runId" params={{ runId: r.id }} className="font-medium text-slate-900 hover:text-brand-700">
          Payout run #{r.number}
        </Link>
      ),
    },
    { id: 'program', header: 'Program', cell: (r) => r.programName },
    { id: 'status', header: 'Status', cell: (r) => <RunStatusBadge status={r.status} /> },
    { id: 'payouts', header: 'Payouts', align: 'right', cell: (r) => r.counts.payouts, hideOnMobile: true },
    { id: 'total', header: 'Total', align: 'right', cell: (r) => <MoneyList items={r.totals} /> },
    { id: 'carried', header: 'Carried over / held', align: 'right', cell: (r) => <MoneyList items={r.carriedOver} />, hideOnMobile: true },
    { id: 'created', header: 'Created', cell: (r) => formatDate(r.createdAt), hideOnMobile: true },
  ];
  return (
    <>
      <PageHeader
        title="Payouts"
        description="Pay partners what they earned: a run collects approved commissions per partner, finance approves it, and it is paid through Stripe Connect, PayPal, a bank file or by hand."
        actions={
          <>
            <Button variant="secondary" asChild>
              <Link to="/app/settings/payouts">Payout settings</Link>
            </Button>
            {can('payouts:manage') ? (
              <Button onClick={() => setCreating(true)}>
                <Plus aria-hidden />
                New payout run
              </Button>
            ) : null}
          </>
        }
      />
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList aria-label="Payout views">
          <TabsTrigger value="runs">Payout runs</TabsTrigger>
          <TabsTrigger value="disputes">
            Disputes
            {disputeCount > 0 ? (
              <Badge tone="warning" className="ml-1.5">
                {disputeCount >= 100 ? '99+' : disputeCount} open
              </Badge>
            ) : null}
          </TabsTrigger>
        </TabsList>
        <TabsContent value="runs">
        {runs.isError ? (
          <QueryError error={runs.error} retry={() => void runs.refetch()} />
        ) : (
          <DataTable
            label="Payout runs"
            columns={columns}
            rows={runs.data?.data}
            getRowId={(r) => r.id}
            loading={runs.isPending}
            pagination={pager.pagination(runs.data?.nextCursor)}
            empty={
              <EmptyState
                icon={Banknote}
                title="No payout runs yet"
                description="When commissions are approved, start a run: you will see each partner's amount, what is carried over and what is held before anything is paid."
                action={can('payouts:manage') ? <Button onClick={() => setCreating(true)}>New payout run</Button> : undefined}
              />
            }
          />
        )}
        </TabsContent>
        <TabsContent value="disputes">
          <StatementDisputes />
        </TabsContent>
      </Tabs>
      <NewRunDialog open={creating} onOpenChange={setCreating} />
    </>
  );
}

function NewRunDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const programs = useQuery({ ...programsQuery(), enabled: open });
  const [programId, setProgramId] = React.useState('');
  const [message, setMessage] = React.useState<string | null>(null);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/payout-runs', { body: { programId } })),
    onSuccess: async (run) => {
      await queryClient.invalidateQueries({ queryKey: ['payout-runs'] });
      onOpenChange(false);
      await navigate({ to: '/app/payouts/$runId', params: { runId: run.id } });
    },
    onError: (error) => handleProblem(error, { onMessage: setMessage }),
  });
  React.useEffect(() => {
    if (open) setMessage(null);
    if (open && !programId && programs.data?.data[0]) setProgramId(programs.data.data[0].id);
  }, [open, programId, programs.data]);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent
        title="New payout run"
        description="Computes a draft from the program's approved commissions up to now. Nothing is paid until finance approves and you execute it."
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setMessage(null);
            create.mutate();
          }}
          className="grid gap-4"
        >
          <FormField label="Program" required>
            <NativeSelect
              name="programId"
              value={programId}
              onChange={(e) => setProgramId(e.target.value)}
              options={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              placeholder={programs.isPending ? 'Loading programs…' : 'Choose a program'}
            />
          </FormField>
          {message ? <InlineAlert message={message} tone="warning" /> : null}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={!programId || create.isPending}>
              {create.isPending ? 'Computing…' : 'Compute draft'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function StatementButtons({ payoutId, number, scope }: { payoutId: string; number: string; scope: 'console' | 'portal' }) {
  const base = scope === 'portal' ? `/api/v1/portal/payouts/${payoutId}` : `/api/v1/payouts/${payoutId}`;
  return (
    <span className="inline-flex gap-1">
      <Button
        variant="ghost"
        size="sm"
        aria-label={`Download statement ${number} as CSV`}
        onClick={() => void downloadFile(`${base}/statement.csv`, `statement-${number}.csv`, scope)}
      >
        <Download aria-hidden />
        CSV
      </Button>
      <Button
        variant="ghost"
        size="sm"
        aria-label={`Download statement ${number} as PDF`}
        onClick={() => void downloadFile(`${base}/statement.pdf`, `statement-${number}.pdf`, scope)}
      >
        <Download aria-hidden />
        PDF
      </Button>
    </span>
  );
}

