import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BarChart3, Link2, Plus } from 'lucide-react';
import * as React from 'react';
import { CopyButton, QrButton, Revenue, Stat } from '../../admin/links/parts';
import { LinkAnalytics } from '../../admin/links/list';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { ItemOf } from '../../api/types';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { MoneyValue } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type PortalLink = ItemOf<'/api/v1/portal/links'>;

export function PortalLinksPage() {
  const [creating, setCreating] = React.useState(false);
  const links = useQuery({ queryKey: ['portal', 'links'], queryFn: () => unwrap(api.GET('/api/v1/portal/links')) });
  const programs = useQuery({ queryKey: ['portal', 'programs'], queryFn: () => unwrap(api.GET('/api/v1/portal/programs')) });
  const programOptions = (programs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  const active = (links.data?.data ?? []).filter((l) => l.status === 'active');
  const archived = (links.data?.data ?? []).filter((l) => l.status !== 'active');

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Links"
        description="Share these links: every sign-up and purchase that follows a click is credited to you."
        actions={
          programOptions.length > 0 ? (
            <Button onClick={() => setCreating(true)}>
              <Plus aria-hidden />
              New link
            </Button>
          ) : null
        }
      />
      {links.isError ? <QueryError error={links.error} retry={() => void links.refetch()} /> : null}
      {links.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={6} />
        </Card>
      ) : active.length === 0 && archived.length === 0 ? (
        <Card>
          <EmptyState
            icon={Link2}
            title="No links yet"
            description="Create your first link: share it in a post, a newsletter or a QR code on a flyer."
            action={
              programOptions.length > 0 ? (
                <Button onClick={() => setCreating(true)}>
                  <Plus aria-hidden />
                  New link
                </Button>
              ) : undefined
            }
          />
        </Card>
      ) : (
        <div className="grid gap-4">
          {active.map((l) => (
            <LinkCard key={l.id} link={l} />
          ))}
          {archived.length > 0 ? (
            <details className="rounded-xl border border-slate-200 bg-white px-5 py-3">
              <summary className="cursor-pointer text-sm text-slate-600">{archived.length} retired link{archived.length === 1 ? '' : 's'}</summary>
              <ul className="mt-3 grid gap-2 text-sm text-slate-500">
                {archived.map((l) => (
                  <li key={l.id}>
                    {l.name || l.code} · {l.stats.clicks} clicks · {l.stats.sales} sales
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      )}
      <RecentConversions />
      <NewLinkDialog open={creating} onOpenChange={setCreating} programs={programOptions} />
    </div>
  );
}

function LinkCard({ link }: { link: PortalLink }) {
  const [open, setOpen] = React.useState(false);
  return (
    <Card>
      <CardHeader
        title={link.name || link.code}
        description={link.programName}
        actions={link.status === 'active' ? <Badge tone="success" dot>Active</Badge> : <Badge tone="muted">Retired</Badge>}
      />
      <CardBody className="grid gap-4">
        <div className="flex flex-wrap items-center gap-2">
          <code className="min-w-0 flex-1 truncate rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-800 ring-1 ring-slate-200">{link.url}</code>
          <CopyButton text={link.url} size="md" />
          <QrButton url={link.url} code={link.code} />
        </div>
        <p className="truncate text-xs text-slate-500">Sends people to {link.destinationUrl}</p>
        <div className="flex flex-wrap gap-8">
          <Stat label="Clicks" value={link.stats.clicks} />
          <Stat label="Unique" value={link.stats.uniqueClicks} />
          <Stat label="Sign-ups" value={link.stats.leads} />
          <Stat label="Sales" value={link.stats.sales} />
          <Stat label="Revenue" value={<Revenue items={link.stats.revenue} />} />
        </div>
        <div>
          <Button variant="ghost" size="sm" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
            <BarChart3 aria-hidden />
            {open ? 'Hide daily chart' : 'Show daily chart'}
          </Button>
          {open ? <LinkAnalytics linkId={link.id} portal /> : null}
        </div>
      </CardBody>
    </Card>
  );
}

function RecentConversions() {
  const conversions = useQuery({
    queryKey: ['portal', 'conversions'],
    queryFn: () => unwrap(api.GET('/api/v1/portal/conversions', { params: { query: { limit: 20 } } })),
  });
  if (conversions.isPending || conversions.isError || conversions.data.data.length === 0) return null;
  return (
    <Card>
      <CardHeader title="Recent sign-ups and sales" description="Customers are shown masked." />
      <CardBody className="p-0">
        <table className="w-full text-sm">
          <thead>
            <tr className="border-b border-slate-100 text-left text-xs text-slate-500">
              <th className="px-5 py-2 font-medium">Date</th>
              <th className="px-5 py-2 font-medium">What</th>
              <th className="px-5 py-2 font-medium">Customer</th>
              <th className="px-5 py-2 text-right font-medium">Amount</th>
            </tr>
          </thead>
          <tbody>
            {conversions.data.data.map((c) => (
              <tr key={c.id} className="border-b border-slate-50 last:border-0">
                <td className="px-5 py-2 text-slate-600">{formatDate(c.occurredAt)}</td>
                <td className="px-5 py-2">{c.kind === 'lead' ? 'Sign-up' : c.kind === 'sale' ? 'Sale' : c.kind === 'refund' ? 'Refund' : 'Adjustment'}</td>
                <td className="px-5 py-2 text-slate-600">{c.customer ?? '—'}</td>
                <td className="px-5 py-2 text-right">
                  <MoneyValue value={c.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardBody>
    </Card>
  );
}

function NewLinkDialog({ open, onOpenChange, programs }: { open: boolean; onOpenChange: (open: boolean) => void; programs: { value: string; label: string }[] }) {
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: { programId: string; code?: string; name?: string; destinationUrl?: string; params?: Record<string, string> }) =>
      unwrap(api.POST('/api/v1/portal/links', { body })),
    onSuccess: (link) => {
      toast({ title: 'Your link is ready', description: link.url });
      void queryClient.invalidateQueries({ queryKey: ['portal', 'links'] });
      setErrors({});
      setMessage(null);
      onOpenChange(false);
    },
    onError: (error) =>
      handleProblem(error, { setFieldErrors: setErrors, fields: ['programId', 'code', 'name', 'destinationUrl', 'params'], mapPath: (p) => (p.startsWith('params') ? 'params' : p), onMessage: setMessage }),
  });
  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    create.mutate({
      programId: text('programId'),
      ...(text('code') ? { code: text('code') } : {}),
      ...(text('name') ? { name: text('name') } : {}),
      ...(text('destinationUrl') ? { destinationUrl: text('destinationUrl') } : {}),
      ...(text('campaign') ? { params: { utm_campaign: text('campaign') } } : {}),
    });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="New link" description="One link per campaign lets you see which one works.">
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {message ? <InlineAlert message={message} /> : null}
          <FormField label="Program" error={errors.programId} required>
            <NativeSelect name="programId" options={programs} defaultValue={programs[0]?.value} />
          </FormField>
          <FormField label="Name" error={errors.name} optional hint="For you, e.g. “Spring newsletter”.">
            <Input name="name" />
          </FormField>
          <FormField label="Code" error={errors.code} optional hint="Letters, digits and dashes; leave empty for a random one.">
            <Input name="code" autoCapitalize="off" placeholder="my-newsletter" />
          </FormField>
          <FormField label="Page to send people to" error={errors.destinationUrl} optional hint="Leave empty for the vendor’s default page.">
            <Input name="destinationUrl" type="url" placeholder="https://" />
          </FormField>
          <FormField label="Campaign" error={errors.params} optional hint="Added as utm_campaign.">
            <Input name="campaign" />
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
