import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { ArrowRight, FileText, Globe, Layers, MapPin } from 'lucide-react';
import * as React from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import type { PortalMe, PortalProgram } from '../api/types';
import { initials, labelOf, PARTNER_TYPES } from '../lib/labels';
import { QueryError } from '../shared/screens';
import { Badge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { Dialog, DialogContent } from '../ui/dialog';
import { EmptyState } from '../ui/empty-state';
import { countryName, formatDate } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { LoadingBlock, Skeleton } from '../ui/skeleton';
import { DealsSummary } from './deals/summary';
import { usePortalMe, usePortalTeam } from './queries';
import { TeamRow } from './team-row';

const shellApi = getRouteApi('/portal/portal-shell');

export function PortalHomePage() {
  const { me } = shellApi.useRouteContext();
  const portalMe = usePortalMe();
  const programs = useQuery({
    queryKey: ['portal', 'programs'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/programs')),
  });
  const team = usePortalTeam();
  // Accounts created by a sign-in link may have no name yet; the invitation carries one.
  const name =
    me.user.name ||
    portalMe.data?.user.name ||
    team.data?.data.find((member) => member.email.toLowerCase() === me.user.email.toLowerCase())?.name ||
    '';
  const firstName = name.split(' ')[0] ?? '';

  return (
    <>
      <PageHeader
        title={firstName ? `Welcome, ${firstName}` : 'Welcome'}
        description={
          portalMe.data ? `${portalMe.data.partner.name} · partner of ${portalMe.data.workspaceName}` : undefined
        }
      />
      <DealsSummary />
      <section aria-labelledby="programs-title" className="mb-10">
        <h2 id="programs-title" className="mb-4 text-base font-semibold text-slate-900">
          Your programs
        </h2>
        {programs.isError ? <QueryError error={programs.error} retry={() => void programs.refetch()} /> : null}
        {programs.isPending ? (
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <Skeleton className="h-44 rounded-xl" />
            <Skeleton className="h-44 rounded-xl" />
          </div>
        ) : programs.data && programs.data.data.length === 0 ? (
          <Card>
            <EmptyState
              icon={Layers}
              title="No program yet"
              description="When you are added to a program, its terms and details appear here. Your contact will let you know."
            />
          </Card>
        ) : (
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            {programs.data?.data.map((program) => (
              <ProgramCard key={program.id} program={program} />
            ))}
          </div>
        )}
      </section>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <ProfileCard portalMe={portalMe} />
        <TeamCard />
      </div>
    </>
  );
}

function ProgramCard({ program }: { program: PortalProgram }) {
  const [termsOpen, setTermsOpen] = React.useState(false);
  return (
    <Card className="flex flex-col p-5">
      <div className="flex items-start justify-between gap-3">
        <span className="flex size-10 items-center justify-center rounded-lg bg-brand-50 text-brand-600">
          <Layers className="size-5" aria-hidden />
        </span>
        <span className="flex flex-wrap justify-end gap-1.5">
          {program.tier ? <Badge tone="success">{program.tier.name} tier</Badge> : null}
          <Badge tone="brand">{labelOf(PARTNER_TYPES, program.partnerType)}</Badge>
        </span>
      </div>
      <h3 className="mt-4 text-base font-semibold text-slate-900">{program.name}</h3>
      <p className="mt-1 flex-1 text-sm text-slate-600">{program.description || 'No description yet.'}</p>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 pt-4 text-[13px] text-slate-500">
        <span>
          Joined {formatDate(program.enrolledAt)} · Paid in {program.currency}
        </span>
        {program.terms ? (
          <button
            type="button"
            onClick={() => setTermsOpen(true)}
            className="inline-flex items-center gap-1 rounded font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500"
          >
            <FileText className="size-3.5" aria-hidden />
            Read the terms
          </button>
        ) : null}
      </div>
      <Dialog open={termsOpen} onOpenChange={setTermsOpen}>
        <DialogContent title={`${program.name} terms`} size="lg">
          <div className="text-sm leading-relaxed whitespace-pre-wrap text-slate-700">{program.terms}</div>
        </DialogContent>
      </Dialog>
    </Card>
  );
}

function ProfileCard({ portalMe }: { portalMe: ReturnType<typeof usePortalMe> }) {
  return (
    <Card>
      <CardHeader
        title="Company profile"
        actions={
          <Link to="/portal/profile" className="text-sm font-medium text-brand-700 hover:underline">
            View profile
          </Link>
        }
      />
      <CardBody>
        {portalMe.isPending ? (
          <LoadingBlock lines={3} />
        ) : portalMe.isError ? (
          <QueryError error={portalMe.error} />
        ) : (
          <ProfileFacts partner={portalMe.data.partner} />
        )}
      </CardBody>
    </Card>
  );
}

function ProfileFacts({ partner }: { partner: PortalMe['partner'] }) {
  return (
    <div className="flex items-start gap-4">
      <span className="flex size-12 shrink-0 items-center justify-center rounded-xl bg-slate-900 text-base font-semibold text-white">
        {initials(partner.name)}
      </span>
      <div className="grid min-w-0 gap-1.5 text-sm">
        <p className="font-semibold text-slate-900">{partner.name}</p>
        <p className="flex items-center gap-2 text-slate-600">
          <Globe className="size-4 shrink-0 text-slate-400" aria-hidden />
          {partner.website ? (
            <a href={partner.website} target="_blank" rel="noreferrer noopener" className="truncate hover:underline">
              {partner.website.replace(/^https?:\/\//, '')}
            </a>
          ) : (
            'No website'
          )}
        </p>
        <p className="flex items-center gap-2 text-slate-600">
          <MapPin className="size-4 shrink-0 text-slate-400" aria-hidden />
          {countryName(partner.country)}
        </p>
      </div>
    </div>
  );
}

function TeamCard() {
  const team = usePortalTeam();
  const members = team.data?.data ?? [];
  return (
    <Card>
      <CardHeader
        title="Team"
        actions={
          <Link
            to="/portal/team"
            className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline"
          >
            Manage team
            <ArrowRight className="size-3.5" aria-hidden />
          </Link>
        }
      />
      <CardBody>
        {team.isPending ? (
          <LoadingBlock lines={3} />
        ) : team.isError ? (
          <QueryError error={team.error} />
        ) : (
          <ul className="grid grid-cols-1 gap-3">
            {members.slice(0, 5).map((member) => (
              <li key={member.id}>
                <TeamRow member={member} />
              </li>
            ))}
            {members.length > 5 ? <li className="text-sm text-slate-500">and {members.length - 5} more</li> : null}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
