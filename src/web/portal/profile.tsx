import type * as React from 'react';
import { cn } from '../lib/cn';
import { labelOf, PARTNER_ROLES, PARTNER_TYPES } from '../lib/labels';
import { QueryError } from '../shared/screens';
import { Card, CardBody, CardHeader } from '../ui/card';
import { countryName } from '../ui/format';
import { PageHeader } from '../ui/page-header';
import { LoadingBlock } from '../ui/skeleton';
import { usePortalMe } from './queries';

export function PortalProfilePage() {
  const portalMe = usePortalMe();
  return (
    <>
      <PageHeader title="Profile" description="Your company and your account." />
      {portalMe.isError ? <QueryError error={portalMe.error} retry={() => void portalMe.refetch()} /> : null}
      {portalMe.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={5} />
        </Card>
      ) : portalMe.data ? (
        <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader title="Company" />
            <CardBody>
              <Facts
                rows={[
                  ['Name', portalMe.data.partner.name],
                  ['Website', portalMe.data.partner.website ?? '—'],
                  ['Country', countryName(portalMe.data.partner.country)],
                  ['Partnership', labelOf(PARTNER_TYPES, portalMe.data.partner.type)],
                ]}
              />
              <p className="mt-4 text-[13px] text-slate-500">
                To change these details, contact your partner team at {portalMe.data.workspaceName}.
              </p>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Your account" />
            <CardBody>
              <Facts
                rows={[
                  ['Name', portalMe.data.user.name],
                  ['Email', portalMe.data.user.email],
                  ['Role', labelOf(PARTNER_ROLES, portalMe.data.role)],
                ]}
              />
            </CardBody>
          </Card>
        </div>
      ) : null}
    </>
  );
}

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className={cn('divide-y divide-slate-100')}>
      {rows.map(([label, value]) => (
        <div key={label} className="grid grid-cols-[110px_1fr] gap-4 py-2.5 text-sm first:pt-0 last:pb-0">
          <dt className="text-slate-500">{label}</dt>
          <dd className="min-w-0 break-words text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
