import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ArrowRight, Plus } from 'lucide-react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { ProtectionChip, protectionUrgency } from '../../ui/countdown';
import { sharedText } from './shared';

/** Portal home: what needs the partner now (answers, protections ending) and a quick "Register a deal". */
export function DealsSummary() {
  const registrations = useQuery({
    queryKey: ['portal', 'registrations', 'summary'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/registrations', { params: { query: { limit: 100 } } })),
    retry: false,
  });
  // Partner roles without deal registration (e.g. finance) simply do not get this section.
  if (registrations.isError) return null;
  const rows = registrations.data?.data ?? [];
  const inReview = rows.filter((row) => row.status === 'submitted').length;
  const needsAnswer = rows.filter((row) => row.status === 'info_requested');
  const protectedRows = rows.filter((row) => row.status === 'approved' && row.protectionEndsAt);
  const ending = protectedRows
    .filter((row) => protectionUrgency(row.protectionEndsAt as string) !== 'normal')
    .sort((a, b) => String(a.protectionEndsAt).localeCompare(String(b.protectionEndsAt)))
    .slice(0, 3);
  const stats: [string, number, string | undefined][] = [
    ['In review', inReview, undefined],
    ['Protected', protectedRows.length, undefined],
    ['Need your answer', needsAnswer.length, needsAnswer.length > 0 ? 'text-amber-700' : undefined],
  ];
  return (
    <section aria-labelledby="deals-title" className="mb-10">
      <div className="mb-4 flex items-center justify-between gap-3">
        <h2 id="deals-title" className="text-base font-semibold text-slate-900">
          Your deals
        </h2>
        <Button asChild size="sm">
          <Link to="/portal/deals/register">
            <Plus aria-hidden />
            Register a deal
          </Link>
        </Button>
      </div>
      <Card className="grid grid-cols-3 divide-x divide-slate-100">
        {stats.map(([label, value, tone]) => (
          <Link
            key={label}
            to="/portal/deals"
            className="grid gap-0.5 px-4 py-4 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500 sm:px-5"
          >
            <span className={`text-2xl font-semibold tracking-tight tabular-nums ${tone ?? 'text-slate-900'}`}>
              {registrations.isPending ? '–' : value}
            </span>
            <span className="text-[13px] text-slate-500">{label}</span>
          </Link>
        ))}
      </Card>
      {ending.length > 0 || needsAnswer.length > 0 ? (
        <ul className="mt-3 grid grid-cols-1 gap-2">
          {[...needsAnswer.slice(0, 3), ...ending].map((row) => (
            <li key={row.id}>
              <Link
                to="/portal/deals/registrations/$registrationId"
                params={{ registrationId: row.id }}
                className="flex items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm shadow-card hover:border-brand-300"
              >
                <span className="min-w-0 truncate font-medium text-slate-900">{sharedText(row.accountName)}</span>
                {row.status === 'info_requested' ? (
                  <span className="inline-flex shrink-0 items-center gap-1 text-[13px] font-medium text-amber-700">
                    Answer the question
                    <ArrowRight className="size-3.5" aria-hidden />
                  </span>
                ) : (
                  <ProtectionChip endsAt={row.protectionEndsAt as string} />
                )}
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
