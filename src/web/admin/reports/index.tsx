import { useQuery } from '@tanstack/react-query';
import { ChartColumn, Layers, Medal, Users } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { cn } from '../../lib/cn';
import { QueryError } from '../../shared/screens';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { formatMoney, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Segmented } from '../../ui/segmented';
import { Select } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';

type Performance = components['schemas']['PartnerPerformance'];
type Group = components['schemas']['PerformanceGroup'];
type Money = { amountMinor: string; currency: string };
type GroupBy = 'partner' | 'program' | 'tier';

const GROUPINGS = [
  ['partner', 'Partner', Users],
  ['program', 'Program', Layers],
  ['tier', 'Tier', Medal],
] as const;
const PERIODS = [
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
  { value: '365', label: 'Last 12 months' },
];
const STATUS_COLORS: Record<string, string> = {
  submitted: 'bg-sky-500',
  info_requested: 'bg-amber-400',
  approved: 'bg-emerald-500',
  rejected: 'bg-red-400',
  expired: 'bg-slate-400',
  withdrawn: 'bg-slate-300',
};
const STATUS_LABELS: Record<string, string> = {
  submitted: 'Submitted',
  info_requested: 'Info requested',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
};

const pct = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10} %`);
const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

/** Sums money lists per currency (never across currencies). */
function addMoney(lists: Money[][]): Money[] {
  const totals = new Map<string, bigint>();
  for (const list of lists) for (const m of list) totals.set(m.currency, (totals.get(m.currency) ?? 0n) + BigInt(m.amountMinor));
  return [...totals.entries()].map(([currency, amount]) => ({ currency, amountMinor: amount.toString() }));
}
const moneyText = (list: Money[]) => (list.length === 0 ? '—' : list.map((m) => formatMoney(m.amountMinor, m.currency)).join(' + '));
const amountIn = (list: Money[], currency: string) => Number(list.find((m) => m.currency === currency)?.amountMinor ?? 0);

/** Console → Reports: the partner performance metrics (GET /metrics/partner-performance) with a group-by switch. */
export function ReportsPage() {
  const [groupBy, setGroupBy] = React.useState<GroupBy>('partner');
  const [days, setDays] = React.useState('90');
  const range = React.useMemo(() => {
    const to = new Date();
    const from = new Date(to.getTime() - Number(days) * 86_400_000);
    return { from: from.toISOString(), to: to.toISOString() };
    // The range is fixed per choice of period; recomputed when it changes.
  }, [days]);
  const report = useQuery({
    queryKey: ['metrics', 'partner-performance', groupBy, days],
    queryFn: () => unwrap(api.GET('/api/v1/metrics/partner-performance', { params: { query: { groupBy, ...range } } })),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader
        title="Reports"
        description="Registrations, conflicts, pipeline and revenue by partner, program or tier. Amounts in different currencies are never added."
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <Segmented label="Group by" value={groupBy} onChange={setGroupBy} options={GROUPINGS} />
            <Select label="Period" value={days} onValueChange={setDays} options={PERIODS} className="w-40" />
          </div>
        }
      />
      {report.isError ? <QueryError error={report.error} retry={() => void report.refetch()} /> : null}
      {report.isPending ? (
        <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
          <Card className="p-6">
            <LoadingBlock lines={3} />
          </Card>
          <Card className="p-6">
            <LoadingBlock lines={8} />
          </Card>
        </div>
      ) : report.data ? (
        <Report data={report.data} groupBy={groupBy} stale={report.isPlaceholderData} />
      ) : null}
    </>
  );
}

function Report({ data, groupBy, stale }: { data: Performance; groupBy: GroupBy; stale: boolean }) {
  const groups = data.groups;
  if (groups.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={ChartColumn}
          title="Nothing in this period yet"
          description="Reports fill in as partners register deals and deals move through the pipeline."
        />
      </Card>
    );
  }
  const sum = (pick: (g: Group) => number) => groups.reduce((s, g) => s + pick(g), 0);
  // Grouped by partner a deal counts once per credited partner; totals of deal counts would double count, so
  // the totals row reads registrations (each counted once in every grouping) and money per group.
  const registrations = sum((g) => g.registrations.total);
  const approved = sum((g) => g.registrations.approved);
  const rejected = sum((g) => g.registrations.rejected);
  const conflicts = sum((g) => g.registrations.conflicts);
  const wonRegs = sum((g) => g.registrations.won);
  const byStatus: Record<string, number> = {};
  for (const g of groups) for (const [k, v] of Object.entries(g.registrations.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + v;
  const doubleCounted = groupBy === 'partner' || groupBy === 'tier';
  const pipeline = addMoney(groups.map((g) => g.deals.pipeline as Money[]));
  const weighted = addMoney(groups.map((g) => g.deals.weightedPipeline as Money[]));
  const sourced = addMoney(groups.map((g) => g.deals.revenueByRole.sourced as Money[]));
  const influenced = addMoney(groups.map((g) => g.deals.revenueByRole.influenced as Money[]));
  const won = sum((g) => g.deals.won);
  const lost = sum((g) => g.deals.lost);

  return (
    <div className={cn('grid grid-cols-[minmax(0,1fr)] gap-6 transition-opacity', stale && 'opacity-60')}>
      <section aria-label="Totals" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Kpi label="Registrations" value={formatNumber(registrations)} hint={`${pct(ratio(approved, approved + rejected))} approved`} />
        <Kpi label="Conflict rate" value={pct(ratio(conflicts, registrations))} hint={`${formatNumber(conflicts)} conflicts`} />
        <Kpi label="Registered → won" value={pct(ratio(wonRegs, approved))} hint={`${formatNumber(wonRegs)} of ${formatNumber(approved)} approved`} />
        <Kpi label="Win rate" value={pct(ratio(won, won + lost))} hint={doubleCounted ? 'deals closed, per credited group' : `${won} won · ${lost} lost`} />
        <Kpi label="Open pipeline" value={moneyText(pipeline)} hint={doubleCounted ? 'summed over groups (shared deals count in each)' : 'open deals now'} wide />
        <Kpi label="Weighted pipeline" value={moneyText(weighted)} hint="amount × stage win probability" wide />
        <Kpi label="Sourced revenue" value={moneyText(sourced)} hint="won, × each partner's share" wide />
        <Kpi label="Influenced revenue" value={moneyText(influenced)} hint="won, × each partner's share" wide />
      </section>

      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Registrations by status" description={`Per ${groupBy}, created in the period`} />
          <CardBody className="grid gap-3">
            <StatusLegend statuses={Object.keys(byStatus).filter((k) => (byStatus[k] ?? 0) > 0)} />
            <ul className="grid gap-2">
              {groups
                .filter((g) => g.registrations.total > 0)
                .sort((a, b) => b.registrations.total - a.registrations.total)
                .slice(0, 12)
                .map((g) => (
                  <li key={g.key.id ?? 'none'} className="grid grid-cols-[minmax(0,10rem)_1fr_3rem] items-center gap-3 text-sm">
                    <span className="truncate text-slate-700" title={g.key.name}>
                      {g.key.name}
                    </span>
                    <StackedBar counts={g.registrations.byStatus} max={Math.max(...groups.map((x) => x.registrations.total))} />
                    <span className="text-right text-slate-500 tabular-nums">{g.registrations.total}</span>
                  </li>
                ))}
            </ul>
          </CardBody>
        </Card>
        <PipelineChart groups={groups} groupBy={groupBy} />
      </div>

      <Card>
        <CardHeader title={`By ${groupBy}`} description="Medians are per group; SLA is each registration's own approval deadline." />
        <div className="overflow-x-auto">
          <table className="w-full min-w-[1100px] text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-left text-xs font-medium text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2.5">{groupBy === 'partner' ? 'Partner' : groupBy === 'program' ? 'Program' : 'Tier'}</th>
                <th scope="col" className="px-3 py-2.5 text-right">Registrations</th>
                <th scope="col" className="px-3 py-2.5 text-right">Approval</th>
                <th scope="col" className="px-3 py-2.5 text-right">Decision vs SLA (h)</th>
                <th scope="col" className="px-3 py-2.5 text-right">Within SLA</th>
                <th scope="col" className="px-3 py-2.5 text-right">Conflicts</th>
                <th scope="col" className="px-3 py-2.5 text-right">Reg. → won</th>
                <th scope="col" className="px-3 py-2.5 text-right">Pipeline</th>
                <th scope="col" className="px-3 py-2.5 text-right">Weighted</th>
                <th scope="col" className="px-3 py-2.5 text-right">Win rate</th>
                <th scope="col" className="px-3 py-2.5 text-right">Velocity (d)</th>
                <th scope="col" className="px-3 py-2.5 text-right">Avg deal</th>
                <th scope="col" className="px-4 py-2.5 text-right">Sourced / influenced</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {groups.map((g) => (
                <tr key={g.key.id ?? 'none'} className="align-top">
                  <th scope="row" className={cn('px-4 py-2.5 text-left font-medium', g.key.id ? 'text-slate-900' : 'text-slate-500 italic')}>
                    {g.key.name}
                  </th>
                  <Td>{formatNumber(g.registrations.total)}</Td>
                  <Td>{pct(g.registrations.approvalRate)}</Td>
                  <Td>
                    {g.registrations.medianHoursToDecision ?? '—'} / {g.registrations.medianSlaHours ?? '—'}
                  </Td>
                  <Td>{pct(g.registrations.decidedWithinSlaRate)}</Td>
                  <Td>
                    {g.registrations.conflicts} <span className="text-slate-400">({pct(g.registrations.conflictRate)})</span>
                  </Td>
                  <Td>{pct(g.registrations.registeredToWonRate)}</Td>
                  <Td>{moneyText(g.deals.pipeline as Money[])}</Td>
                  <Td>{moneyText(g.deals.weightedPipeline as Money[])}</Td>
                  <Td>{pct(g.deals.winRate)}</Td>
                  <Td>{g.deals.medianDaysRegistrationToClose ?? '—'}</Td>
                  <Td>{moneyText(g.deals.averageDealSize as Money[])}</Td>
                  <Td>
                    {moneyText(g.deals.revenueByRole.sourced as Money[])}
                    <span className="block text-xs text-slate-500">{moneyText(g.deals.revenueByRole.influenced as Money[])}</span>
                  </Td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}

function Td({ children }: { children: React.ReactNode }) {
  return <td className="px-3 py-2.5 text-right whitespace-nowrap text-slate-700 tabular-nums">{children}</td>;
}

function Kpi({ label, value, hint, wide }: { label: string; value: string; hint?: string; wide?: boolean }) {
  return (
    <Card className="p-4">
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className={cn('mt-1 font-semibold tracking-tight text-slate-900 tabular-nums', wide ? 'text-lg' : 'text-2xl')}>{value}</p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500">{hint}</p> : null}
    </Card>
  );
}

function StatusLegend({ statuses }: { statuses: string[] }) {
  return (
    <ul className="flex flex-wrap gap-3 text-xs text-slate-600" aria-label="Legend">
      {statuses.map((s) => (
        <li key={s} className="flex items-center gap-1.5">
          <span className={cn('size-2.5 rounded-sm', STATUS_COLORS[s] ?? 'bg-slate-300')} aria-hidden />
          {STATUS_LABELS[s] ?? s}
        </li>
      ))}
    </ul>
  );
}

function StackedBar({ counts, max }: { counts: Record<string, number>; max: number }) {
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  const label = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${(STATUS_LABELS[k] ?? k).toLowerCase()}`)
    .join(', ');
  return (
    <div className="h-3 rounded-sm bg-slate-100" role="img" aria-label={label}>
      <div className="flex h-full overflow-hidden rounded-sm" style={{ width: `${max === 0 ? 0 : (total / max) * 100}%` }}>
        {Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => (
            <span key={k} className={STATUS_COLORS[k] ?? 'bg-slate-300'} style={{ width: `${(n / total) * 100}%` }} title={`${STATUS_LABELS[k] ?? k}: ${n}`} />
          ))}
      </div>
    </div>
  );
}

/** Open pipeline (weighted inside) and won revenue per group, in the most used currency, as SVG-free CSS bars. */
function PipelineChart({ groups, groupBy }: { groups: Group[]; groupBy: GroupBy }) {
  const currencies = new Map<string, number>();
  for (const g of groups) for (const m of [...g.deals.pipeline, ...g.deals.wonRevenue] as Money[]) currencies.set(m.currency, (currencies.get(m.currency) ?? 0) + 1);
  const ranked = [...currencies.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const [currency, setCurrency] = React.useState<string | null>(null);
  const shown = currency && ranked.includes(currency) ? currency : ranked[0];
  const rows = shown
    ? groups
        .map((g) => ({
          g,
          open: amountIn(g.deals.pipeline as Money[], shown),
          weighted: amountIn(g.deals.weightedPipeline as Money[], shown),
          won: amountIn(g.deals.wonRevenue as Money[], shown),
        }))
        .filter((r) => r.open > 0 || r.won > 0)
        .sort((a, b) => b.open + b.won - (a.open + a.won))
        .slice(0, 12)
    : [];
  const max = Math.max(1, ...rows.map((r) => Math.max(r.open, r.won)));
  return (
    <Card>
      <CardHeader
        title="Pipeline and won revenue"
        description={`Per ${groupBy}; open pipeline with its weighted part, and revenue won in the period`}
        actions={
          ranked.length > 1 && shown ? (
            <Select size="sm" label="Currency" value={shown} onValueChange={setCurrency} options={ranked.map((c) => ({ value: c, label: c }))} className="w-24" />
          ) : null
        }
      />
      <CardBody className="grid gap-3">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-500">No open or won deals in this period.</p>
        ) : (
          <>
            <ul className="flex flex-wrap gap-3 text-xs text-slate-600" aria-label="Legend">
              <li className="flex items-center gap-1.5">
                <span className="size-2.5 rounded-sm bg-brand-200" aria-hidden /> Open pipeline
              </li>
              <li className="flex items-center gap-1.5">
                <span className="size-2.5 rounded-sm bg-brand-600" aria-hidden /> Weighted
              </li>
              <li className="flex items-center gap-1.5">
                <span className="size-2.5 rounded-sm bg-emerald-500" aria-hidden /> Won
              </li>
            </ul>
            <ul className="grid gap-3">
              {rows.map(({ g, open, weighted, won }) => (
                <li key={g.key.id ?? 'none'} className="grid grid-cols-[minmax(0,10rem)_1fr] items-center gap-3 text-sm">
                  <span className="truncate text-slate-700" title={g.key.name}>
                    {g.key.name}
                  </span>
                  <div className="grid gap-1">
                    <div className="relative h-3 rounded-sm bg-slate-100" role="img" aria-label={`Open ${formatMoney(String(open), shown as string)}, weighted ${formatMoney(String(weighted), shown as string)}`}>
                      <span className="absolute inset-y-0 left-0 rounded-sm bg-brand-200" style={{ width: `${(open / max) * 100}%` }} />
                      <span className="absolute inset-y-0 left-0 rounded-sm bg-brand-600" style={{ width: `${(weighted / max) * 100}%` }} />
                    </div>
                    <div className="h-2 rounded-sm bg-slate-100" role="img" aria-label={`Won ${formatMoney(String(won), shown as string)}`}>
                      <span className="block h-full rounded-sm bg-emerald-500" style={{ width: `${(won / max) * 100}%` }} />
                    </div>
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </CardBody>
    </Card>
  );
}
