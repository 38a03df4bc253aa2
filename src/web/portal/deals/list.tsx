import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { ArrowRight, BookOpen, ChevronRight, ClipboardList, Handshake, Plus } from 'lucide-react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { PartnerDeal, PortalRegistration } from '../../api/types';
import { CREDIT_ROLES, labelOf } from '../../lib/labels';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Skeleton } from '../../ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { ProtectionState, StatusBadge, sharedDate, sharedText } from './shared';

const dealsApi = getRouteApi('/portal/portal-shell/deals');

export function PortalDealsPage() {
  const { tab = 'registrations' } = dealsApi.useSearch();
  const navigate = useNavigate({ from: '/portal/deals' });
  const programs = useQuery({
    queryKey: ['portal', 'programs'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/programs')),
  });
  return (
    <>
      <PageHeader
        title="Deals"
        description="Register the opportunities you bring, follow their approval and protection, and see where they stand."
        actions={
          <Button asChild>
            <Link to="/portal/deals/register">
              <Plus aria-hidden />
              Register a deal
            </Link>
          </Button>
        }
      />
      <Tabs
        value={tab}
        onValueChange={(next) =>
          void navigate({ search: { tab: next === 'pipeline' ? 'pipeline' : undefined }, replace: true })
        }
      >
        <TabsList aria-label="Deal sections">
          <TabsTrigger value="registrations">My registrations</TabsTrigger>
          <TabsTrigger value="pipeline">My pipeline</TabsTrigger>
        </TabsList>
        <TabsContent value="registrations">
          <Registrations />
        </TabsContent>
        <TabsContent value="pipeline">
          <PipelineList />
        </TabsContent>
      </Tabs>
      {programs.data && programs.data.data.length > 0 ? (
        <section aria-labelledby="rules-title" className="mt-10">
          <h2 id="rules-title" className="mb-3 text-sm font-semibold text-slate-900">
            Rules of engagement
          </h2>
          <div className="flex flex-wrap gap-2">
            {programs.data.data.map((program) => (
              <Link
                key={program.id}
                to="/portal/programs/$programId/rules"
                params={{ programId: program.id }}
                className="inline-flex items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm font-medium text-slate-700 shadow-card hover:border-brand-300 hover:text-brand-700"
              >
                <BookOpen className="size-4 text-slate-400" aria-hidden />
                {program.name}
              </Link>
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}

function Registrations() {
  const pager = useCursorPager('registrations');
  const registrations = useQuery({
    queryKey: ['portal', 'registrations', pager.cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/portal/registrations', {
          params: { query: { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}) } },
        }),
      ),
  });
  const pagination = pager.pagination(registrations.data?.nextCursor);
  if (registrations.isError)
    return <QueryError error={registrations.error} retry={() => void registrations.refetch()} />;
  if (registrations.isPending) return <ListSkeleton />;
  if (registrations.data.data.length === 0)
    return (
      <Card>
        <EmptyState
          icon={ClipboardList}
          title="No registrations yet"
          description="Register an opportunity before you work it: once approved, it is protected for you."
          action={
            <Button asChild>
              <Link to="/portal/deals/register">Register your first deal</Link>
            </Button>
          }
        />
      </Card>
    );
  return (
    <PagedCards label="My registrations" items={registrations.data.data} pagination={pagination}>
      {(registration) => <RegistrationCard registration={registration} />}
    </PagedCards>
  );
}

function RegistrationCard({ registration: r }: { registration: PortalRegistration }) {
  const amount = sharedText(r.amount);
  const domain = sharedText(r.accountDomain);
  const needsAnswer = r.status === 'info_requested';
  return (
    <Link
      to="/portal/deals/registrations/$registrationId"
      params={{ registrationId: r.id }}
      className="group block rounded-xl border border-slate-200 bg-white p-4 shadow-card transition hover:border-brand-300 focus-visible:outline-2 focus-visible:outline-brand-500 sm:p-5"
    >
      <div className="flex items-start justify-between gap-3">
        <p className="min-w-0 truncate text-[15px] font-semibold text-slate-900">
          {sharedText(r.accountName) ?? 'Registration'}
        </p>
        <div className="flex shrink-0 items-center gap-2">
          {amount ? <span className="text-sm font-semibold text-slate-900 tabular-nums">{amount}</span> : null}
          <ChevronRight className="size-4 text-slate-300 group-hover:text-brand-500" aria-hidden />
        </div>
      </div>
      <p className="truncate text-[13px] text-slate-500">{[domain, r.programName].filter(Boolean).join(' · ')}</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <StatusBadge status={r.status} />
        <ProtectionState status={r.status} protectionEndsAt={r.protectionEndsAt} />
        {r.createdAt ? <span className="text-xs text-slate-500">Registered {formatDate(r.createdAt)}</span> : null}
      </div>
      {r.decisionReason && (r.status === 'rejected' || needsAnswer) ? (
        <p className="mt-3 rounded-lg bg-slate-50 px-3 py-2 text-[13px] text-slate-700">
          <span className="font-medium">{needsAnswer ? 'Question: ' : 'Reason: '}</span>
          {r.decisionReason}
        </p>
      ) : null}
      {needsAnswer ? (
        <p className="mt-2 inline-flex items-center gap-1 text-[13px] font-medium text-brand-700">
          Answer now
          <ArrowRight className="size-3.5" aria-hidden />
        </p>
      ) : null}
    </Link>
  );
}

function PipelineList() {
  const pager = useCursorPager('pipeline');
  const deals = useQuery({
    queryKey: ['portal', 'deals', pager.cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/portal/deals', {
          params: { query: { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}) } },
        }),
      ),
  });
  const pagination = pager.pagination(deals.data?.nextCursor);
  if (deals.isError) return <QueryError error={deals.error} retry={() => void deals.refetch()} />;
  if (deals.isPending) return <ListSkeleton />;
  if (deals.data.data.length === 0)
    return (
      <Card>
        <EmptyState
          icon={Handshake}
          title="No deals in your pipeline yet"
          description="Approved registrations become deals here, and you can follow their stage and next step."
        />
      </Card>
    );
  return (
    <PagedCards label="My pipeline" items={deals.data.data} pagination={pagination}>
      {(deal) => <DealCard deal={deal} />}
    </PagedCards>
  );
}

function DealCard({ deal }: { deal: PartnerDeal }) {
  const amount = sharedText(deal.amount);
  const close = sharedDate(deal.closeDate);
  return (
    <article className="rounded-xl border border-slate-200 bg-white p-4 shadow-card sm:p-5" aria-label={deal.name}>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 className="truncate text-[15px] font-semibold text-slate-900">{deal.name}</h3>
          {deal.accountName ? <p className="truncate text-[13px] text-slate-500">{deal.accountName}</p> : null}
        </div>
        {amount ? <span className="shrink-0 text-sm font-semibold text-slate-900 tabular-nums">{amount}</span> : null}
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <Badge tone={deal.stage.kind === 'won' ? 'success' : deal.stage.kind === 'lost' ? 'muted' : 'brand'} dot>
          {deal.stage.name}
        </Badge>
        <Badge tone="neutral">Your role: {labelOf(CREDIT_ROLES, deal.role)}</Badge>
        {close ? <span className="text-xs text-slate-500">Close {close}</span> : null}
      </div>
      {deal.nextStep ? (
        <p className="mt-3 text-[13px] text-slate-700">
          <span className="font-medium">Next step: </span>
          {deal.nextStep}
        </p>
      ) : null}
    </article>
  );
}

function ListSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-3">
      <Skeleton className="h-28 rounded-xl" />
      <Skeleton className="h-28 rounded-xl" />
    </div>
  );
}

/** A list of cards with Previous / Next under it (the portal's lists are cards, not tables). */
function PagedCards<T extends { id: string }>({
  label,
  items,
  pagination,
  children,
}: {
  label: string;
  items: T[];
  pagination: { hasNext: boolean; hasPrevious: boolean; onNext: () => void; onPrevious: () => void };
  children: (item: T) => React.ReactNode;
}) {
  return (
    <div className="grid grid-cols-1 gap-3">
      <ul className="grid grid-cols-1 gap-3" aria-label={label}>
        {items.map((item) => (
          <li key={item.id}>{children(item)}</li>
        ))}
      </ul>
      {pagination.hasNext || pagination.hasPrevious ? (
        <div className="flex justify-end gap-2">
          <Button variant="secondary" size="sm" disabled={!pagination.hasPrevious} onClick={pagination.onPrevious}>
            Previous
          </Button>
          <Button variant="secondary" size="sm" disabled={!pagination.hasNext} onClick={pagination.onNext}>
            Next
          </Button>
        </div>
      ) : null}
    </div>
  );
}
