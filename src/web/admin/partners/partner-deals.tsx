import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Copy, Link2, Plus } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { programsQuery } from '../../api/queries';
import type { Partner } from '../../api/types';
import { CREDIT_ROLES, labelOf, REGISTRATION_STATUSES, registrationStatusTone, stageKindTone } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { ProtectionChip } from '../../ui/countdown';
import { formatRelative } from '../../ui/format';
import { MoneyValue } from '../../ui/money';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

/** Partner page › Deals: its registrations, the deals crediting it, and its public registration links. */
export function PartnerDeals({ partner }: { partner: Partner }) {
  const can = useCan();
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
      <div className="grid content-start gap-6">
        {can('registrations:read') ? <PartnerRegistrations partnerId={partner.id} /> : null}
        {can('deals:read') ? <PartnerPipeline partnerId={partner.id} /> : null}
      </div>
      {can('registrations:read') ? <RegistrationLinks partner={partner} /> : null}
    </div>
  );
}

function PartnerRegistrations({ partnerId }: { partnerId: string }) {
  const registrations = useQuery({
    queryKey: ['registrations', 'list', { partnerId, limit: 10 }],
    queryFn: () => unwrap(api.GET('/api/v1/registrations', { params: { query: { partnerId, limit: 10 } } })),
  });
  return (
    <Card>
      <CardHeader title="Registrations" />
      {registrations.isPending ? (
        <CardBody>
          <LoadingBlock lines={3} />
        </CardBody>
      ) : registrations.isError || registrations.data.data.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-500">No registration from this partner yet.</p>
        </CardBody>
      ) : (
        <ul className="divide-y divide-slate-100">
          {registrations.data.data.map((row) => (
            <li key={row.id}>
              <Link
                to="/app/registrations/$registrationId"
                params={{ registrationId: row.id }}
                className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 hover:bg-slate-50"
              >
                <span className="min-w-0">
                  <span className="block truncate text-sm font-medium text-slate-900">{row.accountName}</span>
                  <span className="block text-xs text-slate-500">
                    {row.programName} · <MoneyValue value={row.amount} /> · {formatRelative(row.createdAt)}
                  </span>
                </span>
                <span className="flex items-center gap-2">
                  <Badge tone={registrationStatusTone(row.status)} dot>
                    {labelOf(REGISTRATION_STATUSES, row.status)}
                  </Badge>
                  {row.status === 'approved' && row.protectionEndsAt ? <ProtectionChip endsAt={row.protectionEndsAt} /> : null}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function PartnerPipeline({ partnerId }: { partnerId: string }) {
  const deals = useQuery({
    queryKey: ['deals', 'list', { partnerId, limit: 10 }],
    queryFn: () => unwrap(api.GET('/api/v1/deals', { params: { query: { partnerId, limit: 10 } } })),
  });
  return (
    <Card>
      <CardHeader
        title="Deals"
        actions={
          <Link to="/app/pipeline" search={{ partnerId, view: 'list' }} className="text-sm font-medium text-brand-700 hover:underline">
            Open in pipeline
          </Link>
        }
      />
      {deals.isPending ? (
        <CardBody>
          <LoadingBlock lines={3} />
        </CardBody>
      ) : deals.isError || deals.data.data.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-500">No deal credits this partner yet.</p>
        </CardBody>
      ) : (
        <ul className="divide-y divide-slate-100">
          {deals.data.data.map((deal) => {
            const credit = deal.credits.find((item) => item.partnerId === partnerId);
            return (
              <li key={deal.id}>
                <Link
                  to="/app/pipeline/$dealId"
                  params={{ dealId: deal.id }}
                  className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 hover:bg-slate-50"
                >
                  <span className="min-w-0">
                    <span className="block truncate text-sm font-medium text-slate-900">{deal.name}</span>
                    <span className="block text-xs text-slate-500">
                      <MoneyValue value={deal.amount} />
                      {credit ? ` · ${labelOf(CREDIT_ROLES, credit.role)}` : ''}
                    </span>
                  </span>
                  <Badge tone={stageKindTone(deal.stage.kind)} dot>
                    {deal.stage.name}
                  </Badge>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function RegistrationLinks({ partner }: { partner: Partner }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const programs = useQuery(programsQuery('active'));
  const [programId, setProgramId] = React.useState('');
  const links = useQuery({
    queryKey: ['partner', partner.id, 'registration-links'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/partners/{id}/registration-links', { params: { path: { id: partner.id } } })),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['partner', partner.id, 'registration-links'] });
  const create = useMutation({
    mutationFn: (program: string) =>
      unwrap(
        api.POST('/api/v1/partners/{id}/registration-links', {
          params: { path: { id: partner.id } },
          body: { programId: program },
        }),
      ),
    onSuccess: (link) => {
      toast({ title: 'Registration link created', description: link.programName });
      setProgramId('');
      refresh();
    },
    onError: (error) => handleProblem(error),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/registration-links/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      toast({ title: 'Link switched off' });
      refresh();
    },
    onError: (error) => handleProblem(error),
  });
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      toast({ title: 'Link copied' });
    } catch {
      toast({ tone: 'info', title: 'Copy the link', description: url });
    }
  };
  const active = (links.data?.data ?? []).filter((link) => !link.revokedAt);
  return (
    <Card className="self-start">
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <Link2 className="size-4 text-slate-400" aria-hidden />
            Public registration links
          </span>
        }
        description={`${partner.name} can register deals through these links without signing in.`}
      />
      <CardBody className="grid gap-4">
        {links.isPending ? (
          <LoadingBlock lines={2} />
        ) : active.length === 0 ? (
          <p className="text-sm text-slate-500">No active link.</p>
        ) : (
          <ul className="grid gap-3">
            {active.map((link) => (
              <li key={link.id} className="grid gap-2 rounded-lg border border-slate-200 p-3">
                <div className="flex items-center justify-between gap-2">
                  <span className="text-sm font-medium text-slate-900">{link.programName}</span>
                  <span className="text-xs text-slate-500">
                    {link.lastUsedAt ? `used ${formatRelative(link.lastUsedAt)}` : 'not used yet'}
                  </span>
                </div>
                <code className="truncate rounded bg-slate-50 px-2 py-1 font-mono text-xs text-slate-600">{link.url}</code>
                <div className="flex gap-2">
                  <Button size="sm" variant="secondary" onClick={() => void copy(link.url)}>
                    <Copy aria-hidden />
                    Copy
                  </Button>
                  {can('registrations:configure') ? (
                    <Button size="sm" variant="destructive-ghost" loading={revoke.isPending} onClick={() => revoke.mutate(link.id)}>
                      Switch off
                    </Button>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
        {can('registrations:configure') ? (
          <form
            className="flex items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (programId) create.mutate(programId);
            }}
          >
            <NativeSelect
              aria-label="Program for the new link"
              className="flex-1"
              value={programId}
              onChange={(event) => setProgramId(event.target.value)}
              placeholder="Choose a program"
              options={(programs.data?.data ?? []).map((program) => ({ value: program.id, label: program.name }))}
            />
            <Button type="submit" variant="secondary" disabled={!programId} loading={create.isPending}>
              <Plus aria-hidden />
              Create
            </Button>
          </form>
        ) : null}
      </CardBody>
    </Card>
  );
}
