import { PartnerPicker } from '../partner-picker';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Archive, ArchiveRestore, Link2, Plus, SearchX, Settings2 } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate, formatNumber } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect, Select } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';
import { CopyButton, DailyBars, QrButton, Revenue, Stat } from './parts';
import { TrackingSettingsForm } from './tracking-settings';

type LinkRow = components['schemas']['Link'];
type LinkQuery = { limit: number; cursor?: string; partnerId?: string; programId?: string; status?: 'active' | 'archived'; q?: string };

export function LinksPage() {
  const can = useCan();
  const canWrite = can('links:write');
  const [partnerId, setPartnerId] = React.useState('');
  const [programId, setProgramId] = React.useState('');
  const [status, setStatus] = React.useState<'active' | 'archived' | 'all'>('active');
  const [q, setQ] = React.useState('');
  const [creating, setCreating] = React.useState(false);
  const [settings, setSettings] = React.useState(false);
  const pager = useCursorPager(JSON.stringify([partnerId, programId, status, q]));
  const programs = useQuery({
    queryKey: ['programs', 'picker'],
    queryFn: () => unwrap(api.GET('/api/v1/programs', { params: { query: { limit: 100 } } })),
  });
  const query: LinkQuery = {
    limit: 25,
    ...(pager.cursor ? { cursor: pager.cursor } : {}),
    ...(partnerId ? { partnerId } : {}),
    ...(programId ? { programId } : {}),
    ...(status !== 'all' ? { status } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
  };
  const links = useQuery({
    queryKey: ['links', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/links', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const hasFilters = Boolean(partnerId || programId || q.trim() || status !== 'active');

  const columns: Column<LinkRow>[] = [
    {
      id: 'link',
      header: 'Link',
      cell: (l) => (
        <div className="grid min-w-[13rem] max-w-[20rem] gap-0.5">
          <span className="font-medium text-slate-900">
            {l.name || l.code}
            {l.name ? <span className="ml-1.5 font-normal text-slate-400">{l.code}</span> : null}
          </span>
          <a href={l.url} className="truncate text-xs text-brand-700 hover:underline" target="_blank" rel="noreferrer">
            {l.url.replace(/^https?:\/\//, '')}
          </a>
          <span className="truncate text-xs text-slate-400" title={l.destinationUrl}>
            → {l.destinationUrl.replace(/^https?:\/\//, '')}
          </span>
        </div>
      ),
    },
    { id: 'partner', header: 'Partner', cell: (l) => <span>{l.partnerName}</span> },
    { id: 'program', header: 'Program', cell: (l) => <span className="text-slate-600">{l.programName}</span>, hideOnMobile: true },
    {
      id: 'clicks',
      header: 'Clicks',
      align: 'right',
      cell: (l) => (
        <span className="tabular-nums" title={`${l.stats.uniqueClicks} unique`}>
          {formatNumber(l.stats.clicks)}
          <span className="block text-xs text-slate-400">{formatNumber(l.stats.uniqueClicks)} unique</span>
        </span>
      ),
    },
    { id: 'leads', header: 'Leads', align: 'right', cell: (l) => <span className="tabular-nums">{formatNumber(l.stats.leads)}</span> },
    { id: 'sales', header: 'Sales', align: 'right', cell: (l) => <span className="tabular-nums">{formatNumber(l.stats.sales)}</span> },
    { id: 'revenue', header: 'Revenue', align: 'right', cell: (l) => <Revenue items={l.stats.revenue} /> },
    {
      id: 'status',
      header: 'Status',
      cell: (l) => (l.status === 'active' ? <Badge tone="success" dot>Active</Badge> : <Badge tone="muted">Archived</Badge>),
      hideOnMobile: true,
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (l) => (
        <div className="flex justify-end gap-1">
          <CopyButton text={l.url} label="Copy" />
          <QrButton url={l.url} code={l.code} />
          {canWrite ? <ArchiveButton link={l} /> : null}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Links"
        description="Referral links per partner and program: every click is counted, deduplicated per visitor per hour, and bots are filtered."
        actions={
          <>
            {can('programs:write') ? (
              <Button variant="secondary" onClick={() => setSettings(true)}>
                <Settings2 aria-hidden />
                Attribution settings
              </Button>
            ) : null}
            {canWrite ? (
              <Button onClick={() => setCreating(true)}>
                <Plus aria-hidden />
                New link
              </Button>
            ) : null}
          </>
        }
      />
      {links.isError ? <QueryError error={links.error} retry={() => void links.refetch()} /> : null}
      <DataTable
        label="Referral links"
        columns={columns}
        rows={links.data?.data}
        getRowId={(l) => l.id}
        loading={links.isFetching}
        toolbar={
          <>
            <Input
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              placeholder="Search code, name or destination"
              aria-label="Search links"
              className="h-8 w-64 text-[13px]"
            />
            <PartnerPicker label="Filter by partner" allLabel="All partners" value={partnerId} onValueChange={setPartnerId} className="w-44" size="sm" />
            <Select
              label="Filter by program"
              allLabel="All programs"
              value={programId}
              onValueChange={setProgramId}
              options={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              className="w-40"
              size="sm"
            />
            <Select
              label="Filter by status"
              value={status}
              onValueChange={(v) => setStatus((v || 'active') as typeof status)}
              options={[
                { value: 'active', label: 'Active' },
                { value: 'archived', label: 'Archived' },
                { value: 'all', label: 'Active and archived' },
              ]}
              className="w-44"
              size="sm"
            />
          </>
        }
        empty={
          hasFilters ? (
            <EmptyState icon={SearchX} title="No link matches these filters" description="Try another partner, program or search." />
          ) : (
            <EmptyState
              icon={Link2}
              title="No referral links yet"
              description="Create a link for a partner in a program; partners can also create their own in the portal. Clicks and conversions show up here."
              action={
                canWrite ? (
                  <Button onClick={() => setCreating(true)}>
                    <Plus aria-hidden />
                    New link
                  </Button>
                ) : undefined
              }
            />
          )
        }
        renderExpanded={(l) => <LinkAnalytics linkId={l.id} />}
        pagination={pager.pagination(links.data?.nextCursor)}
      />
      <NewLinkDialog
        open={creating}
        onOpenChange={setCreating}
        programs={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      />
      <Dialog open={settings} onOpenChange={setSettings}>
        <DialogContent title="Attribution settings" description="Per program: how long a click counts, and which click wins." size="md">
          <ProgramSettingsPicker programs={(programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        </DialogContent>
      </Dialog>
    </>
  );
}

function ProgramSettingsPicker({ programs }: { programs: { value: string; label: string }[] }) {
  const [programId, setProgramId] = React.useState(programs[0]?.value ?? '');
  if (programs.length === 0) return <p className="text-sm text-slate-500">Create a program first.</p>;
  return (
    <div className="grid gap-4">
      <FormField label="Program">
        <NativeSelect value={programId} onChange={(e) => setProgramId(e.target.value)} options={programs} />
      </FormField>
      {programId ? <TrackingSettingsForm programId={programId} key={programId} /> : null}
    </div>
  );
}

function ArchiveButton({ link }: { link: LinkRow }) {
  const queryClient = useQueryClient();
  const archived = link.status === 'archived';
  const mutation = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/api/v1/links/{id}', { params: { path: { id: link.id } }, body: { status: archived ? 'active' : 'archived' } })),
    onSuccess: () => {
      toast({ title: archived ? 'Link restored' : 'Link archived', description: archived ? link.url : 'Its address now shows a “link not found” page.' });
      void queryClient.invalidateQueries({ queryKey: ['links'] });
    },
    onError: (error) => handleProblem(error, { title: 'Could not change the link' }),
  });
  return (
    <Button
      variant="ghost"
      size="sm"
      disabled={mutation.isPending}
      onClick={() => mutation.mutate()}
      aria-label={archived ? `Restore ${link.code}` : `Archive ${link.code}`}
    >
      {archived ? <ArchiveRestore aria-hidden /> : <Archive aria-hidden />}
      {archived ? 'Restore' : 'Archive'}
    </Button>
  );
}

export function LinkAnalytics({ linkId, portal = false }: { linkId: string; portal?: boolean }) {
  const analytics = useQuery({
    queryKey: [portal ? 'portal' : 'links', 'analytics', linkId],
    queryFn: () =>
      portal
        ? unwrap(api.GET('/api/v1/portal/links/{id}/analytics', { params: { path: { id: linkId } } }))
        : unwrap(api.GET('/api/v1/links/{id}/analytics', { params: { path: { id: linkId } } })),
  });
  if (analytics.isPending) return <LoadingBlock lines={4} />;
  if (analytics.isError) return <QueryError error={analytics.error} retry={() => void analytics.refetch()} />;
  const a = analytics.data;
  return (
    <div className="grid gap-4 py-2">
      <div className="flex flex-wrap gap-8">
        <Stat label="Clicks (30 days)" value={a.totals.clicks} />
        <Stat label="Unique clicks" value={a.totals.uniqueClicks} />
        {portal ? null : <Stat label="Bots filtered" value={a.totals.botClicks} />}
        <Stat label="Leads" value={a.totals.leads} />
        <Stat label="Sales" value={a.totals.sales} />
        <Stat label="Revenue" value={<Revenue items={a.totals.revenue} />} />
      </div>
      <DailyBars days={a.days} />
      <p className="text-xs text-slate-400">
        {formatDate(a.from)} – {formatDate(a.to)} (UTC days). Clicks appear within a second of the redirect.
      </p>
    </div>
  );
}

function NewLinkDialog({
  open,
  onOpenChange,
  programs,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  programs: { value: string; label: string }[];
}) {
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const [partnerId, setPartnerId] = React.useState('');
  const create = useMutation({
    mutationFn: (body: components['schemas']['CreateLinkRequest']) => unwrap(api.POST('/api/v1/links', { body })),
    onSuccess: (link) => {
      toast({ title: 'Link created', description: link.url });
      void queryClient.invalidateQueries({ queryKey: ['links'] });
      setErrors({});
      setMessage(null);
      onOpenChange(false);
    },
    onError: (error) =>
      handleProblem(error, {
        setFieldErrors: setErrors,
        fields: ['partnerId', 'programId', 'code', 'destinationUrl', 'customDomain', 'name', 'params'],
        mapPath: (p) => (p.startsWith('params') ? 'params' : p),
        onMessage: setMessage,
      }),
  });
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const params: Record<string, string> = {};
    for (const key of ['utm_source', 'utm_medium', 'utm_campaign']) if (text(key)) params[key] = text(key);
    create.mutate({
      partnerId: text('partnerId'),
      programId: text('programId'),
      ...(text('code') ? { code: text('code') } : {}),
      ...(text('name') ? { name: text('name') } : {}),
      ...(text('destinationUrl') ? { destinationUrl: text('destinationUrl') } : {}),
      ...(text('customDomain') ? { customDomain: text('customDomain') } : {}),
      ...(Object.keys(params).length ? { params } : {}),
    });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="New referral link" description="The partner shares it; clicks, leads and sales are credited to them." size="lg">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {message ? <InlineAlert message={message} /> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Partner" error={errors.partnerId} required>
              <PartnerPicker name="partnerId" value={partnerId} onValueChange={setPartnerId} />
            </FormField>
            <FormField label="Program" error={errors.programId} required hint="The partner must be enrolled in it.">
              <NativeSelect name="programId" options={programs} placeholder="Choose a program" defaultValue={programs.length === 1 ? programs[0].value : ''} />
            </FormField>
          </div>
          <FormField label="Destination URL" error={errors.destinationUrl} hint="Where the link sends people. Optional when the program has a default destination.">
            <Input name="destinationUrl" type="url" placeholder="https://www.example.com/pricing" />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Code" error={errors.code} optional hint="Leave empty to generate one, e.g. k7m2xq9.">
              <Input name="code" placeholder="northwind-spring" autoCapitalize="off" />
            </FormField>
            <FormField label="Name" error={errors.name} optional>
              <Input name="name" placeholder="Spring newsletter" />
            </FormField>
          </div>
          <fieldset className="grid gap-3 rounded-lg border border-slate-200 p-4">
            <legend className="px-1 text-sm font-medium text-slate-700">UTM parameters</legend>
            {errors.params ? <p className="text-[13px] text-red-700">{errors.params}</p> : null}
            <div className="grid gap-3 sm:grid-cols-3">
              <FormField label="Source" optional>
                <Input name="utm_source" placeholder="partner" />
              </FormField>
              <FormField label="Medium" optional>
                <Input name="utm_medium" placeholder="referral" />
              </FormField>
              <FormField label="Campaign" optional>
                <Input name="utm_campaign" placeholder="spring" />
              </FormField>
            </div>
            <p className="text-xs text-slate-500">Parameters on the shared link (e.g. ?utm_campaign=x) are passed through and win over these.</p>
          </fieldset>
          <FormField label="Custom domain" error={errors.customDomain} optional hint="A host pointed at OpenPRM (DNS CNAME), e.g. go.partner.com; the link is then go.partner.com/{code}.">
            <Input name="customDomain" placeholder="go.partner.com" autoCapitalize="off" />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create link'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
