import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { ExternalLink, Pencil } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { Partner } from '../../api/types';
import { initials, labelOf, PARTNER_TYPES } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import type { PartnerTab } from '../../router/search';
import { RecordPageStatus } from '../../shared/screens';
import { Badge, BadgeList } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { countryName, formatDate, formatDateTime, formatRelative } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { LoadingBlock } from '../../ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { Enrollments } from './enrollments';
import { PartnerDeals } from './partner-deals';
import { PartnerFormDialog } from './partner-form';
import { PartnerTeam } from './partner-team';

const partnerApi = getRouteApi('/app/console/partners/$partnerId');

export function PartnerPage() {
  const { partnerId } = partnerApi.useParams();
  const { tab = 'overview' } = partnerApi.useSearch();
  const navigate = useNavigate({ from: '/app/partners/$partnerId' });
  const [editing, setEditing] = React.useState(false);
  const can = useCan();
  const partner = useQuery({
    queryKey: ['partner', partnerId],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}', { params: { path: { id: partnerId } } })),
  });

  const eyebrow = (
    <Link to="/app/partners" className="hover:text-slate-700 hover:underline">
      Partner list
    </Link>
  );

  if (partner.isPending || partner.isError) return <RecordPageStatus query={partner} eyebrow={eyebrow} title="Partner" lines={5} />;

  const data = partner.data;
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={
          <span className="flex items-center gap-3">
            <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-slate-900 text-sm font-semibold text-white">
              {initials(data.name)}
            </span>
            <span className="min-w-0 truncate">{data.name}</span>
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone="brand">{labelOf(PARTNER_TYPES, data.type)}</Badge>
            <span>{data.kind === 'individual' ? 'Individual' : 'Organization'}</span>
            {data.domain ? (
              <>
                <span aria-hidden>·</span>
                <span>{data.domain}</span>
              </>
            ) : null}
          </span>
        }
        actions={
          can('partners:write') ? (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              <Pencil aria-hidden />
              Edit partner
            </Button>
          ) : null
        }
      />
      <Tabs
        value={tab}
        onValueChange={(next) =>
          void navigate({ search: { tab: next === 'overview' ? undefined : (next as PartnerTab) }, replace: true })
        }
      >
        <TabsList aria-label="Partner sections">
          <TabsTrigger value="overview">Overview</TabsTrigger>
          <TabsTrigger value="programs">Programs</TabsTrigger>
          {can('registrations:read') || can('deals:read') ? <TabsTrigger value="deals">Deals</TabsTrigger> : null}
          <TabsTrigger value="team">Team</TabsTrigger>
        </TabsList>
        <TabsContent value="overview">
          <Overview partner={data} />
        </TabsContent>
        <TabsContent value="programs">
          <Enrollments partnerId={data.id} />
        </TabsContent>
        <TabsContent value="deals">
          <PartnerDeals partner={data} />
        </TabsContent>
        <TabsContent value="team">
          <PartnerTeam partner={data} />
        </TabsContent>
      </Tabs>
      <PartnerFormDialog open={editing} onOpenChange={setEditing} partner={data} />
    </>
  );
}

function Overview({ partner }: { partner: Partner }) {
  const activity = useQuery({
    queryKey: ['audit', 'entity', partner.id],
    queryFn: () => unwrap(api.GET('/api/v1/audit-entries', { params: { query: { entityId: partner.id, limit: 10 } } })),
  });
  const rows: [string, React.ReactNode][] = [
    ['Kind', partner.kind === 'individual' ? 'Individual' : 'Organization'],
    ['Partner type', labelOf(PARTNER_TYPES, partner.type)],
    [
      'Website',
      partner.website ? (
        <a
          key="website"
          href={partner.website}
          target="_blank"
          rel="noreferrer noopener"
          className="inline-flex items-center gap-1 text-brand-700 hover:underline"
        >
          {partner.website}
          <ExternalLink className="size-3.5" aria-hidden />
        </a>
      ) : (
        '—'
      ),
    ],
    ['Country', countryName(partner.country)],
    ['Tags', <BadgeList key="tags" items={partner.tags} />],
    ['Partner manager', partner.managerName ?? 'Unassigned'],
    ['Added', formatDate(partner.createdAt)],
    ['Last updated', formatRelative(partner.updatedAt)],
  ];
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
      <Card>
        <CardHeader title="Profile" />
        <CardBody className="py-2">
          <dl className="divide-y divide-slate-100">
            {rows.map(([label, value]) => (
              <div key={label} className="grid gap-1 py-3 sm:grid-cols-[180px_1fr] sm:gap-4">
                <dt className="text-sm text-slate-500">{label}</dt>
                <dd className="min-w-0 text-sm text-slate-900">{value}</dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Recent activity" />
        <CardBody>
          {activity.isPending ? (
            <LoadingBlock lines={4} />
          ) : activity.isError ? (
            <p className="text-sm text-slate-500">Activity is not available.</p>
          ) : activity.data.data.length === 0 ? (
            <p className="text-sm text-slate-500">Changes to this partner will show here.</p>
          ) : (
            <ol className="grid gap-4">
              {activity.data.data.map((entry) => (
                <li key={entry.id} className="flex gap-3 text-sm">
                  <span className="mt-1.5 size-2 shrink-0 rounded-full bg-brand-400" aria-hidden />
                  <div className="min-w-0">
                    <p className="text-slate-800">
                      <span className="font-medium">{entry.actorName ?? 'System'}</span>{' '}
                      <span className="text-slate-600">{entry.action.replaceAll('_', ' ').replaceAll('.', ' ')}</span>
                    </p>
                    <p className="text-xs text-slate-500" title={formatDateTime(entry.createdAt)}>
                      {formatRelative(entry.createdAt)}
                    </p>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
