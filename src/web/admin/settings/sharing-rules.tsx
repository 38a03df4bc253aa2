import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Eye, EyeOff } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { cn } from '../../lib/cn';
import { labelOf, PARTNER_ROLES, SHARE_MODES } from '../../lib/labels';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { InlineAlert } from '../../ui/inline-alert';
import { PageHeader } from '../../ui/page-header';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type SharingRule = components['schemas']['SharingRule'];
type ShareMode = components['schemas']['ShareMode'];
type ShareObject = components['schemas']['ShareObject'];
type Audience = components['schemas']['ShareAudience'];

const AUDIENCES: { value: Audience; label: string }[] = [
  { value: '*', label: 'Every role' },
  ...PARTNER_ROLES.map((role) => ({ value: role.value as Audience, label: role.label })),
];
const OBJECT_LABELS: Record<ShareObject, string> = { registration: 'Registrations', deal: 'Deals', account: 'Accounts' };
const FIELD_LABELS: Record<string, string> = {
  reviewerName: 'Reviewer name',
  reviewerEmail: 'Reviewer email',
  accountCountry: 'Customer country',
  decidedAt: 'Decision date',
  amount: 'Amount',
  weightedAmount: 'Weighted amount',
  probability: 'Win probability',
  stageKind: 'Stage outcome',
  accountName: 'Customer name',
  accountDomain: 'Customer domain',
  ownerName: 'Internal owner name',
  ownerEmail: 'Internal owner email',
  lostReason: 'Lost reason',
  closedAt: 'Closed date',
  createdAt: 'Created date',
  country: 'Country',
  name: 'Name',
  domain: 'Domain',
  status: 'Status',
  contactName: 'Contact name',
  contactEmail: 'Contact email',
  contactPhone: 'Contact phone',
  expectedCloseDate: 'Expected close date',
  products: 'Products',
  notes: 'Partner notes',
  customFields: 'Custom fields',
  decisionReason: 'Decision reason',
  protectionStartsAt: 'Protection start',
  protectionEndsAt: 'Protection end',
  extensionsUsed: 'Extensions used',
  slaDueAt: 'Review due date',
  stage: 'Stage',
  closeDate: 'Close date',
  nextStep: 'Next step',
  role: 'Partner role',
};
/** Identifiers are not worth a chip. */
const HIDDEN_BASE = new Set(['id', 'programId']);
const fieldLabel = (field: string) =>
  FIELD_LABELS[field] ?? field.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

const key = (object: string, field: string, audience: string) => `${object}|${field}|${audience}`;

export function SharingRulesPage() {
  return (
    <>
      <PageHeader
        title="Sharing rules"
        description="What partners may see of their own registrations, deals and accounts, for every program. Anything without a rule stays hidden. A program can override these on its Sharing rules tab."
      />
      <SharingRulesEditor programId={null} />
    </>
  );
}

/** The field × audience grid of one scope (a program, or every program when null). */
export function SharingRulesEditor({ programId }: { programId: string | null }) {
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: ['sharing-rules'],
    queryFn: () => unwrap(api.GET('/api/v1/sharing-rules')),
  });
  const [draft, setDraft] = React.useState<Record<string, ShareMode | ''>>({});
  const [message, setMessage] = React.useState<string | null>(null);

  const scoped = (rules.data?.data ?? []).filter((rule) => rule.programId === programId);
  const inherited = programId ? (rules.data?.data ?? []).filter((rule) => rule.programId === null) : [];
  const saved = new Map(scoped.map((rule) => [key(rule.object, rule.field, rule.audience), rule]));
  const inheritedMap = new Map(inherited.map((rule) => [key(rule.object, rule.field, rule.audience), rule]));
  const changes = Object.entries(draft).filter(([k, mode]) => (saved.get(k)?.mode ?? '') !== mode);

  const save = useMutation({
    mutationFn: async () => {
      const upserts = changes.filter(([, mode]) => mode !== '');
      const removals = changes.filter(([k, mode]) => mode === '' && saved.has(k));
      if (upserts.length > 0) {
        await unwrap(
          api.PUT('/api/v1/sharing-rules', {
            body: {
              rules: upserts.map(([k, mode]) => {
                const [object, field, audience] = k.split('|') as [ShareObject, string, Audience];
                return { programId, object, field, audience, mode: mode as ShareMode };
              }),
            },
          }),
        );
      }
      for (const [k] of removals) {
        const rule = saved.get(k) as SharingRule;
        await unwrap(api.DELETE('/api/v1/sharing-rules/{id}', { params: { path: { id: rule.id } } }));
      }
    },
    onSuccess: () => {
      toast({ title: 'Sharing rules saved' });
      setDraft({});
      setMessage(null);
      void queryClient.invalidateQueries({ queryKey: ['sharing-rules'] });
    },
    onError: (error) => handleProblem(error, { onMessage: setMessage }),
  });

  if (rules.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={8} />
      </Card>
    );
  if (rules.isError) return <QueryError error={rules.error} retry={() => void rules.refetch()} />;

  return (
    <div className="grid gap-6">
      {rules.data.catalog.map((entry) => (
        <Card key={entry.object}>
          <CardHeader
            title={OBJECT_LABELS[entry.object]}
            description={
              <span className="flex flex-wrap items-center gap-1.5">
                <Eye className="size-3.5 text-slate-400" aria-hidden />
                Always shown to the partner on its own records:
                {entry.alwaysVisible.filter((field) => !HIDDEN_BASE.has(field)).map((field) => (
                  <Badge key={field} tone="muted">
                    {fieldLabel(field)}
                  </Badge>
                ))}
              </span>
            }
          />
          <div className="overflow-x-auto">
            <table className="w-full min-w-[760px] table-fixed text-sm" aria-label={`${OBJECT_LABELS[entry.object]} sharing`}>
              <thead>
                <tr className="border-b border-slate-200 bg-slate-50/80">
                  <th scope="col" className="w-56 px-5 py-2.5 text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
                    Field
                  </th>
                  {AUDIENCES.map((audience) => (
                    <th
                      key={audience.value}
                      scope="col"
                      className="px-3 py-2.5 text-left text-xs font-medium tracking-wide text-slate-500 uppercase"
                    >
                      {audience.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {entry.shareable.map((shareable) => (
                  <tr key={shareable.field}>
                    <th scope="row" className="px-5 py-2.5 text-left font-medium text-slate-800">
                      {fieldLabel(shareable.field)}
                      <span className="ml-2 text-xs font-normal text-slate-400">{shareable.kind}</span>
                    </th>
                    {AUDIENCES.map((audience) => {
                      const k = key(entry.object, shareable.field, audience.value);
                      const value = draft[k] ?? saved.get(k)?.mode ?? '';
                      // What applies when this cell has no rule of its own.
                      const starKey = key(entry.object, shareable.field, '*');
                      const everyRole =
                        (draft[starKey] || saved.get(starKey)?.mode) ?? inheritedMap.get(starKey)?.mode ?? 'hidden';
                      const fallback =
                        audience.value === '*'
                          ? inheritedMap.has(k)
                            ? `Inherit (${labelOf(SHARE_MODES, inheritedMap.get(k)?.mode).toLowerCase()})`
                            : 'Hidden (default)'
                          : inheritedMap.has(k)
                            ? `Inherit (${labelOf(SHARE_MODES, inheritedMap.get(k)?.mode).toLowerCase()})`
                            : `Like all (${labelOf(SHARE_MODES, everyRole).toLowerCase()})`;
                      const changed = k in draft && (saved.get(k)?.mode ?? '') !== draft[k];
                      return (
                        <td key={audience.value} className="px-3 py-2">
                          <select
                            aria-label={`${OBJECT_LABELS[entry.object]}: ${fieldLabel(shareable.field)} for ${audience.label}`}
                            value={value}
                            onChange={(event) => setDraft((current) => ({ ...current, [k]: event.target.value as ShareMode | '' }))}
                            className={cn(
                              'h-8 w-full min-w-28 rounded-md border border-slate-300 bg-white px-2 text-[13px] focus-visible:outline-2 focus-visible:outline-brand-500',
                              value === 'visible' && 'border-emerald-300 bg-emerald-50 text-emerald-800',
                              (value === 'masked' || value === 'banded') && 'border-amber-300 bg-amber-50 text-amber-900',
                              value === '' && 'text-slate-500',
                              changed && 'ring-2 ring-brand-300',
                            )}
                          >
                            <option value="">{fallback}</option>
                            {shareable.modes.map((mode) => (
                              <option key={mode} value={mode}>
                                {labelOf(SHARE_MODES, mode)}
                              </option>
                            ))}
                          </select>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      ))}
      <Card className="bg-slate-50/60">
        <CardBody className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
          <p className="flex max-w-2xl items-start gap-2 text-[13px] text-slate-600">
            <EyeOff className="mt-0.5 size-4 shrink-0 text-slate-400" aria-hidden />
            Internal notes, discounts, margins, conflicts and other partners are never shared. Masked shows “•••”;
            banded shows a range such as “€50k–100k”.
          </p>
          <div className="flex shrink-0 items-center gap-2">
            {changes.length > 0 ? (
              <>
                <span className="text-[13px] text-slate-500">
                  {changes.length} unsaved change{changes.length === 1 ? '' : 's'}
                </span>
                <Button variant="ghost" onClick={() => setDraft({})}>
                  Discard
                </Button>
              </>
            ) : null}
            <Button disabled={changes.length === 0} loading={save.isPending} onClick={() => save.mutate()}>
              Save sharing rules
            </Button>
          </div>
        </CardBody>
      </Card>
      {message ? <InlineAlert message={message} /> : null}
    </div>
  );
}
