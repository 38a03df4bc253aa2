import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { AlertTriangle, ArrowRight, ClipboardCheck } from 'lucide-react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { Badge } from '../../ui/badge';
import { Card, CardHeader } from '../../ui/card';
import { SlaChip } from '../../ui/countdown';
import { MoneyValue } from '../../ui/money';
import { Skeleton } from '../../ui/skeleton';
import { slaWindowHours } from './list';

/** Console home: registrations waiting for a decision, soonest SLA first. */
export function WaitingRegistrations() {
  const waiting = useQuery({
    queryKey: ['registrations', 'list', { status: 'submitted,info_requested', limit: 5 }],
    queryFn: () =>
      unwrap(api.GET('/api/v1/registrations', { params: { query: { status: 'submitted,info_requested', limit: 5 } } })),
    refetchInterval: 60_000,
  });
  if (waiting.isError) return null;
  const rows = waiting.data?.data ?? [];
  return (
    <section className="mt-10" aria-labelledby="waiting-title">
      <Card>
        <CardHeader
          title={
            <span id="waiting-title" className="flex items-center gap-2">
              <ClipboardCheck className="size-4 text-brand-600" aria-hidden />
              Registrations waiting for a decision
            </span>
          }
          actions={
            <Link to="/app/registrations" className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline">
              Open the queue
              <ArrowRight className="size-3.5" aria-hidden />
            </Link>
          }
        />
        {waiting.isPending ? (
          <div className="grid gap-3 px-5 py-4">
            <Skeleton className="h-5 w-2/3" />
            <Skeleton className="h-5 w-1/2" />
          </div>
        ) : rows.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">Nothing waits. New registrations from partners show up here with their SLA.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {rows.map((row) => (
              <li key={row.id}>
                <Link
                  to="/app/registrations/$registrationId"
                  params={{ registrationId: row.id }}
                  className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 hover:bg-slate-50"
                >
                  <span className="min-w-0">
                    <span className="block truncate text-sm font-medium text-slate-900">{row.accountName}</span>
                    <span className="block truncate text-xs text-slate-500">
                      {row.partnerName} · <MoneyValue value={row.amount} />
                    </span>
                  </span>
                  <span className="flex items-center gap-2">
                    {row.conflictCount > 0 ? (
                      <Badge tone="danger">
                        <AlertTriangle aria-hidden />
                        Conflict
                      </Badge>
                    ) : null}
                    <SlaChip dueAt={row.slaDueAt} windowHours={slaWindowHours(row)} breached={Boolean(row.slaBreachedAt)} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </section>
  );
}
