import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { ArrowRight, BadgeDollarSign, Banknote, Check, FileUp, Layers, MessageSquareWarning, UserPlus, Users, UsersRound } from 'lucide-react';
import type * as React from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { invitationsQuery, membersQuery, programsQuery } from '../api/queries';
import { cn } from '../lib/cn';
import { useCan } from '../lib/permissions';
import { QueryError } from '../shared/screens';
import { Card } from '../ui/card';
import { formatNumber } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { Skeleton } from '../ui/skeleton';
import { openDisputesQuery } from './payouts/disputes';
import { WaitingRegistrations } from './registrations/waiting';

const consoleApi = getRouteApi('/app/console');

/** Lists are cursor-paginated without totals; we count one large page and say "100+" beyond it. */
const COUNT_LIMIT = 100;

function countOf(result: { data: unknown[]; nextCursor: string | null } | undefined): string | null {
  if (!result) return null;
  return result.nextCursor ? `${formatNumber(result.data.length)}+` : formatNumber(result.data.length);
}

export function HomePage() {
  const { me, workspace } = consoleApi.useRouteContext();
  const can = useCan();
  const partners = useQuery({
    queryKey: ['partners', 'count'],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: COUNT_LIMIT } } })),
  });
  const programs = useQuery(programsQuery());
  const invitations = useQuery(invitationsQuery);
  const members = useQuery(membersQuery);

  const activePrograms = programs.data
    ? {
        data: programs.data.data.filter((program) => program.status === 'active'),
        nextCursor: programs.data.nextCursor,
      }
    : undefined;
  const pendingInvitations = invitations.data
    ? {
        data: invitations.data.data.filter((invitation) => invitation.status === 'pending'),
        nextCursor: invitations.data.nextCursor,
      }
    : undefined;

  const firstName = me.user.name.split(' ')[0] ?? '';
  const hasPartners = (partners.data?.data.length ?? 0) > 0;
  const hasPrograms = (programs.data?.data.length ?? 0) > 0;
  const hasTeam = (members.data?.data.length ?? 0) > 1 || (pendingInvitations?.data.length ?? 0) > 0;
  const error = partners.error ?? programs.error;

  return (
    <>
      <PageHeader
        title={firstName ? `Welcome, ${firstName}` : 'Welcome'}
        description={`Here is where ${workspace.name}'s partner program stands.`}
      />
      {error ? <QueryError error={error} retry={() => void partners.refetch()} /> : null}

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Stat
          label="Partners"
          value={countOf(partners.data)}
          failed={partners.isError}
          icon={Users}
          link={
            <Link to="/app/partners" aria-label="View partner list">
              View
            </Link>
          }
        />
        <Stat
          label="Active programs"
          value={countOf(activePrograms)}
          failed={programs.isError}
          icon={Layers}
          link={
            <Link to="/app/programs" aria-label="View program list">
              View
            </Link>
          }
        />
        <Stat
          label="Pending invitations"
          value={countOf(pendingInvitations)}
          failed={invitations.isError}
          icon={UsersRound}
          link={
            <Link to="/app/settings/team" aria-label="View team invitations">
              View
            </Link>
          }
        />
      </div>

      {can('commissions:read') || can('payouts:read') ? <MoneyWaiting /> : null}

      {can('registrations:read') ? <WaitingRegistrations /> : null}

      <section className="mt-10" aria-labelledby="next-steps">
        <div className="mb-4">
          <h2 id="next-steps" className="text-base font-semibold text-slate-900">
            What to do next
          </h2>
          <p className="text-sm text-slate-500">Set up your program in a few steps. Each one takes a minute.</p>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-4">
          <NextStep
            done={hasPrograms}
            loading={programs.isPending}
            icon={Layers}
            title="Create a program"
            description="Set the partner type, terms and currency partners join under."
            to="/app/programs/new"
            cta="Create a program"
          />
          <NextStep
            done={hasPartners}
            loading={partners.isPending}
            icon={UserPlus}
            title="Add a partner"
            description="Add the companies and people you already work with."
            to="/app/partners"
            search={{ add: true }}
            cta="Add a partner"
          />
          <NextStep
            done={false}
            loading={false}
            icon={FileUp}
            title="Import from a spreadsheet"
            description="Upload a CSV; we check every row before anything is saved."
            to="/app/partners/import"
            cta="Import a CSV file"
          />
          <NextStep
            done={hasTeam}
            loading={members.isPending}
            icon={UsersRound}
            title="Invite your team"
            description="Give partner managers, sales and finance their own access."
            to="/app/settings/team"
            cta="Invite a colleague"
          />
        </div>
      </section>
    </>
  );
}

/** What finance and the channel team have to act on before partners get paid. */
function MoneyWaiting() {
  const can = useCan();
  const review = useQuery({
    queryKey: ['commission-entries', 'count', 'pending'],
    queryFn: () => unwrap(api.GET('/api/v1/commission-entries', { params: { query: { status: 'pending', limit: COUNT_LIMIT } } })),
    enabled: can('commissions:read'),
  });
  const drafts = useQuery({
    queryKey: ['payout-runs', 'count', 'draft'],
    queryFn: () => unwrap(api.GET('/api/v1/payout-runs', { params: { query: { status: 'draft', limit: COUNT_LIMIT } } })),
    enabled: can('payouts:read'),
  });
  const disputes = useQuery({ ...openDisputesQuery, enabled: can('payouts:read') });
  return (
    <section className="mt-6" aria-labelledby="money-waiting">
      <h2 id="money-waiting" className="mb-3 text-base font-semibold text-slate-900">
        Before partners get paid
      </h2>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
        {can('commissions:read') ? (
          <Stat
            label="Commissions pending review or hold"
            value={countOf(review.data)}
            failed={review.isError}
            icon={BadgeDollarSign}
            link={
              <Link to="/app/commissions" aria-label="Open the commission review queue">
                Review
              </Link>
            }
          />
        ) : null}
        {can('payouts:read') ? (
          <Stat
            label="Payout runs to approve"
            value={countOf(drafts.data)}
            failed={drafts.isError}
            icon={Banknote}
            link={
              <Link to="/app/payouts" aria-label="Open payout runs">
                Open
              </Link>
            }
          />
        ) : null}
        {can('payouts:read') ? (
          <Stat
            label="Open statement disputes"
            value={countOf(disputes.data)}
            failed={disputes.isError}
            icon={MessageSquareWarning}
            link={
              <Link to="/app/payouts" aria-label="Open statement disputes">
                Answer
              </Link>
            }
          />
        ) : null}
      </div>
    </section>
  );
}

function Stat({
  label,
  value,
  icon: Icon,
  link,
  failed,
}: {
  label: string;
  value: string | null;
  failed?: boolean;
  icon: typeof Users;
  link: React.ReactNode;
}) {
  return (
    <Card className="p-5">
      <div className="flex items-center justify-between">
        <p className="text-sm font-medium text-slate-500">{label}</p>
        <Icon className="size-4 text-slate-400" aria-hidden />
      </div>
      <div className="mt-3 flex items-end justify-between gap-2">
        {value === null && failed ? (
          <p className="text-3xl font-semibold tracking-tight text-slate-300">—</p>
        ) : value === null ? (
          <Skeleton className="h-8 w-16" />
        ) : (
          <p className="text-3xl font-semibold tracking-tight text-slate-900 tabular-nums">{value}</p>
        )}
        <span className="text-sm font-medium text-brand-700 hover:underline [&_a]:rounded [&_a]:focus-visible:outline-2 [&_a]:focus-visible:outline-brand-500">
          {link}
        </span>
      </div>
    </Card>
  );
}

function NextStep({
  done,
  loading,
  icon: Icon,
  title,
  description,
  to,
  search,
  cta,
}: {
  done: boolean;
  loading: boolean;
  icon: typeof Users;
  title: string;
  description: string;
  to: '/app/programs/new' | '/app/partners' | '/app/partners/import' | '/app/settings/team';
  search?: { add: true };
  cta: string;
}) {
  return (
    <Card className={cn('flex flex-col p-5', done && 'bg-slate-50/60')}>
      <div className="flex items-center justify-between">
        <span
          className={cn(
            'flex size-9 items-center justify-center rounded-lg',
            done ? 'bg-emerald-50 text-emerald-600' : 'bg-brand-50 text-brand-600',
          )}
        >
          {done ? <Check className="size-4" aria-hidden /> : <Icon className="size-4" aria-hidden />}
        </span>
        {done && !loading ? <span className="text-xs font-medium text-emerald-700">Done</span> : null}
      </div>
      <h3 className="mt-4 text-sm font-semibold text-slate-900">{title}</h3>
      <p className="mt-1 flex-1 text-sm text-slate-500">{description}</p>
      <Link
        to={to}
        search={search as never}
        className="mt-4 inline-flex items-center gap-1 self-start rounded text-sm font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
      >
        {cta}
        <ArrowRight className="size-3.5" aria-hidden />
      </Link>
    </Card>
  );
}
