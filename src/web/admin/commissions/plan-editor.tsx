import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Coins, History, Pencil, Plus, Trash2 } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { currencyDigits, decimalToMinor, formatDate, formatMoney, minorToDecimalString } from '../../ui/format';
import { Input } from '../../ui/input';
import { InlineAlert } from '../../ui/inline-alert';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type PlanDocument = components['schemas']['CommissionPlanDocument'];
type Rule = PlanDocument['rules'][number];
type Spiff = PlanDocument['spiffs'][number];
type Rebate = PlanDocument['rebates'][number];
type MoneyJson = { amountMinor: string; currency: string };

const DURATION_OPTIONS = [
  { value: 'one_time', label: 'One-time (first payment)' },
  { value: 'recurring', label: 'Recurring for N months' },
  { value: 'lifetime', label: 'Lifetime' },
];
const ROLES = ['sourced', 'influenced', 'reseller', 'fulfillment'] as const;
type Conditions = NonNullable<Rule['conditions']>;
const cond = (r: { conditions?: Conditions }): Conditions & { payment: 'any' | 'new' | 'recurring' } => ({ ...cond(r), payment: r.conditions?.payment ?? 'any' });

// Amounts are edited in major units ("49.90") and stored in minor units.
const toMajor = (m: MoneyJson | null | undefined) => (m ? minorToDecimalString(m.amountMinor, currencyDigits(m.currency)) : '');
// Text that is not an exact amount goes to the server as typed, which answers 422 naming the field.
const money = (value: string, currency: string): MoneyJson => ({ amountMinor: decimalToMinor(value, currency, { negative: true }) ?? (value.trim() || '0'), currency });
const pct = (bp: number | undefined) => (bp === undefined ? '' : String(bp / 100));
const bp = (value: string) => Math.round(Number(value) * 100);
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function describeRule(r: Rule | Spiff, currency: string): string {
  const rate = r.type === 'percentage' ? `${(r.rateBp ?? 0) / 100}%` : r.flat ? formatMoney(r.flat.amountMinor, r.flat.currency) : '—';
  const what = r.source === 'deal' ? 'of won deals' : r.conversionKind === 'lead' ? 'per lead' : 'of sales';
  const d = 'duration' in r && r.duration ? (r.duration.type === 'recurring' ? `, ${r.duration.months} months` : r.duration.type === 'lifetime' ? ', lifetime' : ', first payment') : '';
  void currency;
  return `${rate} ${what}${d}`;
}

/** The "Commission plan" tab of a program: the active plan, its versions and an editor. */
export function CommissionPlanSection({ programId, currency }: { programId: string; currency: string }) {
  const can = useCan();
  const plans = useQuery({
    queryKey: ['commission-plans', programId],
    queryFn: () => unwrap(api.GET('/api/v1/commission-plans', { params: { query: { programId, limit: 50 } } })),
  });
  const [editing, setEditing] = React.useState<PlanDocument | null>(null);
  if (plans.isError) return <QueryError error={plans.error} retry={() => void plans.refetch()} />;
  if (!plans.data) return <LoadingBlock />;
  const active = plans.data.data.find((p) => p.status === 'active') ?? null;
  const canEdit = can('commissions:configure');
  const blank: PlanDocument = {
    holdDays: 30,
    rules: [{ id: 'standard', name: 'Standard', source: 'conversion', conversionKind: 'sale', type: 'percentage', rateBp: 2000, duration: { type: 'recurring', months: 12 }, conditions: { payment: 'any' } }],
    spiffs: [],
    rebates: [],
    bonuses: [],
    fraud: { minClickToConversionSeconds: 10, maxRefundRateBp: 3000, refundRateMinSales: 5 },
  };
  if (editing) return <PlanEditor programId={programId} currency={currency} initial={editing} onDone={() => setEditing(null)} />;
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_280px]">
      <Card>
        <CardHeader
          title={active ? `${active.name}` : 'No commission plan yet'}
          description={active ? `Version ${active.version}, active since ${formatDate(active.activatedAt)} · hold ${active.document.holdDays} days` : 'Conversions of this program accrue no commission until a plan is active.'}
          actions={
            canEdit ? (
              <Button size="sm" onClick={() => setEditing(structuredClone(active?.document ?? blank))}>
                {active ? <Pencil aria-hidden /> : <Plus aria-hidden />}
                {active ? 'Edit as new version' : 'Create plan'}
              </Button>
            ) : null
          }
        />
        <CardBody className="grid gap-4 text-sm">
          {!active ? (
            <EmptyState icon={Coins} title="Pay partners for what they bring" description="A plan is a list of rules (percentage or flat, one-time, recurring or lifetime, with conditions and caps), SPIFFs, rebates and onboarding bonuses." />
          ) : (
            <>
              <Section title="Rules" empty="No rules.">
                {active.document.rules.map((r) => (
                  <li key={r.id} className="flex flex-wrap items-center gap-2">
                    <span className="font-medium text-slate-900">{r.name}</span>
                    <span className="text-slate-600">{describeRule(r, currency)}</span>
                    {cond(r).payment !== 'any' ? <Badge tone="muted">{cond(r).payment} payments</Badge> : null}
                    {cond(r).products?.length ? <Badge tone="muted">products: {cond(r).products?.join(', ')}</Badge> : null}
                    {cond(r).countries?.length ? <Badge tone="muted">countries: {cond(r).countries?.join(', ')}</Badge> : null}
                    {cond(r).tierIds?.length ? <Badge tone="muted">{cond(r).tierIds?.length} tier(s)</Badge> : null}
                    {cond(r).dealRoles?.length ? <Badge tone="muted">{cond(r).dealRoles?.join(', ')}</Badge> : null}
                    {r.caps?.perConversion ? <Badge tone="warning">cap {formatMoney(r.caps.perConversion.amountMinor, r.caps.perConversion.currency)}/conversion</Badge> : null}
                    {r.caps?.perPartnerPerPeriod ? (
                      <Badge tone="warning">
                        cap {formatMoney(r.caps.perPartnerPerPeriod.amount.amountMinor, r.caps.perPartnerPerPeriod.amount.currency)}/{r.caps.perPartnerPerPeriod.period}
                      </Badge>
                    ) : null}
                  </li>
                ))}
              </Section>
              <Section title="SPIFFs" empty="No SPIFFs.">
                {active.document.spiffs.map((s) => (
                  <li key={s.id}>
                    <span className="font-medium text-slate-900">{s.name}</span> <span className="text-slate-600">{describeRule(s, currency)}</span>{' '}
                    <span className="text-xs text-slate-500">
                      {formatDate(s.startsAt)} – {formatDate(s.endsAt)}
                    </span>
                  </li>
                ))}
              </Section>
              <Section title="Rebates" empty="No rebates.">
                {active.document.rebates.map((r) => (
                  <li key={r.id}>
                    <span className="font-medium text-slate-900">{r.name}</span> <span className="text-slate-600">per {r.period}: </span>
                    {r.thresholds.map((t) => `${formatMoney(t.minVolume.amountMinor, t.minVolume.currency)} → ${t.rateBp / 100}%`).join(' · ')}
                  </li>
                ))}
              </Section>
              <Section title="Onboarding bonuses" empty="No bonuses.">
                {active.document.bonuses.map((b) => (
                  <li key={b.id}>
                    <span className="font-medium text-slate-900">{b.name}</span>{' '}
                    <span className="text-slate-600">
                      {formatMoney(b.amount.amountMinor, b.amount.currency)} on the {b.trigger === 'first_sale' ? 'first sale' : 'first won deal'}
                    </span>
                  </li>
                ))}
              </Section>
            </>
          )}
        </CardBody>
      </Card>
      <Card className="self-start">
        <CardHeader title="Versions" />
        <CardBody>
          {plans.data.data.length === 0 ? (
            <p className="text-sm text-slate-500">None yet.</p>
          ) : (
            <ul className="grid gap-2 text-sm">
              {plans.data.data.map((p) => (
                <li key={p.id} className="flex items-center justify-between gap-2">
                  <span className="flex items-center gap-1.5">
                    <History aria-hidden className="size-3.5 text-slate-400" />v{p.version} · {formatDate(p.createdAt)}
                  </span>
                  <Badge tone={p.status === 'active' ? 'success' : p.status === 'draft' ? 'brand' : 'muted'}>{p.status}</Badge>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
      </Card>
    </div>
  );
}

function Section({ title, empty, children }: { title: string; empty: string; children: React.ReactNode[] }) {
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-slate-500">{title}</h3>
      {children.length ? <ul className="grid gap-1.5">{children}</ul> : <p className="text-slate-400">{empty}</p>}
    </div>
  );
}

function PlanEditor({ programId, currency, initial, onDone }: { programId: string; currency: string; initial: PlanDocument; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [doc, setDoc] = React.useState<PlanDocument>(initial);
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const tiers = useQuery({
    queryKey: ['program', programId, 'tiers'],
    queryFn: () => unwrap(api.GET('/api/v1/programs/{id}/tiers', { params: { path: { id: programId } } })),
  });
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/commission-plans', { body: { programId, document: doc, activate: true } })),
    onSuccess: (p) => {
      toast({ title: `Plan v${p.version} is active`, description: 'New conversions and won deals accrue under it; earlier lines keep the version they were computed with.' });
      void queryClient.invalidateQueries({ queryKey: ['commission-plans', programId] });
      onDone();
    },
    onError: (error) =>
      handleProblem(error, {
        setFieldErrors: setErrors,
        mapPath: (p) => p,
        onMessage: setMessage,
      }),
  });
  const err = (path: string) => errors[`document.${path}`];
  const setRule = (i: number, patch: Partial<Rule>) => setDoc({ ...doc, rules: doc.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setSpiff = (i: number, patch: Partial<Spiff>) => setDoc({ ...doc, spiffs: doc.spiffs.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setRebate = (i: number, patch: Partial<Rebate>) => setDoc({ ...doc, rebates: doc.rebates.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const nextId = (prefix: string, used: { id: string }[]) => {
    let n = used.length + 1;
    while (used.some((u) => u.id === `${prefix}-${n}`)) n++;
    return `${prefix}-${n}`;
  };
  const bonus = (trigger: 'first_sale' | 'first_won_deal') => doc.bonuses.find((b) => b.trigger === trigger);
  const setBonus = (trigger: 'first_sale' | 'first_won_deal', value: string) => {
    const others = doc.bonuses.filter((b) => b.trigger !== trigger);
    setDoc({
      ...doc,
      bonuses: value.trim()
        ? [...others, { id: trigger.replace(/_/g, '-'), name: trigger === 'first_sale' ? 'First sale bonus' : 'First won deal bonus', trigger, amount: money(value, currency) }]
        : others,
    });
  };
  const errorList = Object.entries(errors);

  return (
    <form
      className="grid gap-6"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        setMessage(null);
        save.mutate();
      }}
    >
      {message ? <InlineAlert message={message} /> : null}
      {errorList.length ? <InlineAlert message={`Fix ${errorList.length} field${errorList.length > 1 ? 's' : ''}: ${errorList.map(([p, m]) => `${p.replace(/^document\./, '')} ${m}`).join('; ')}`} /> : null}
      <Card>
        <CardHeader title="Rules" description="The first rule that matches a conversion (or a deal credit) and covers the payment applies. Rates are percentages; amounts in the program currency." />
        <CardBody className="grid gap-4">
          <FormField label="Hold period (days)" hint="New commissions stay pending this long (refund window) before they are approved." error={err('holdDays')} className="max-w-xs">
            <Input type="number" min={0} max={365} value={doc.holdDays} onChange={(e) => setDoc({ ...doc, holdDays: Number(e.target.value) })} />
          </FormField>
          {doc.rules.map((r, i) => (
            <fieldset key={r.id} className="grid gap-3 rounded-lg border border-slate-200 p-4">
              <div className="flex items-center justify-between">
                <legend className="text-sm font-medium text-slate-900">Rule {i + 1}</legend>
                <Button type="button" size="sm" variant="destructive-ghost" onClick={() => setDoc({ ...doc, rules: doc.rules.filter((_, j) => j !== i) })} aria-label={`Remove rule ${i + 1}`}>
                  <Trash2 aria-hidden />
                </Button>
              </div>
              <div className="grid gap-3 sm:grid-cols-4">
                <FormField label="Name" error={err(`rules.${i}.name`)}>
                  <Input value={r.name} onChange={(e) => setRule(i, { name: e.target.value })} />
                </FormField>
                <FormField label="Applies to">
                  <NativeSelect
                    value={r.source === 'deal' ? 'deal' : r.conversionKind === 'lead' ? 'lead' : 'sale'}
                    onChange={(e) => setRule(i, e.target.value === 'deal' ? { source: 'deal' } : { source: 'conversion', conversionKind: e.target.value as 'sale' | 'lead' })}
                    options={[
                      { value: 'sale', label: 'Sales' },
                      { value: 'lead', label: 'Leads' },
                      { value: 'deal', label: 'Won deals' },
                    ]}
                  />
                </FormField>
                <FormField label="Type">
                  <NativeSelect
                    value={r.type}
                    onChange={(e) =>
                      setRule(i, e.target.value === 'flat' ? { type: 'flat', rateBp: undefined, flat: r.flat ?? money('10', currency) } : { type: 'percentage', flat: undefined, rateBp: r.rateBp ?? 1000 })
                    }
                    options={[
                      { value: 'percentage', label: 'Percentage' },
                      { value: 'flat', label: 'Flat amount' },
                    ]}
                  />
                </FormField>
                {r.type === 'percentage' ? (
                  <FormField label="Rate (%)" error={err(`rules.${i}.rateBp`)}>
                    <Input inputMode="decimal" value={pct(r.rateBp)} onChange={(e) => setRule(i, { rateBp: bp(e.target.value) })} />
                  </FormField>
                ) : (
                  <FormField label={`Amount (${currency})`} error={err(`rules.${i}.flat.amountMinor`) ?? err(`rules.${i}.flat`)}>
                    <Input inputMode="decimal" value={toMajor(r.flat)} onChange={(e) => setRule(i, { flat: money(e.target.value, currency) })} />
                  </FormField>
                )}
              </div>
              {r.source !== 'deal' && r.conversionKind !== 'lead' ? (
                <div className="grid gap-3 sm:grid-cols-4">
                  <FormField label="Duration">
                    <NativeSelect
                      value={r.duration?.type ?? 'one_time'}
                      onChange={(e) => setRule(i, { duration: e.target.value === 'recurring' ? { type: 'recurring', months: 12 } : { type: e.target.value as 'one_time' | 'lifetime' } })}
                      options={DURATION_OPTIONS}
                    />
                  </FormField>
                  {r.duration?.type === 'recurring' ? (
                    <FormField label="Months" error={err(`rules.${i}.duration.months`)}>
                      <Input type="number" min={1} value={r.duration.months} onChange={(e) => setRule(i, { duration: { type: 'recurring', months: Number(e.target.value) } })} />
                    </FormField>
                  ) : null}
                  <FormField label="Payments">
                    <NativeSelect
                      value={cond(r).payment}
                      onChange={(e) => setRule(i, { conditions: { ...cond(r), payment: e.target.value as 'any' | 'new' | 'recurring' } })}
                      options={[
                        { value: 'any', label: 'Any payment' },
                        { value: 'new', label: 'New customers only' },
                        { value: 'recurring', label: 'Renewals only' },
                      ]}
                    />
                  </FormField>
                </div>
              ) : null}
              <div className="grid gap-3 sm:grid-cols-3">
                <FormField label="Products" hint="Comma-separated; empty = all" error={err(`rules.${i}.conditions.products`)}>
                  <Input value={(cond(r).products ?? []).join(', ')} onChange={(e) => setRule(i, { conditions: { ...cond(r), products: list(e.target.value) } })} />
                </FormField>
                <FormField label="Countries" hint="ISO codes, e.g. US, DE; empty = all" error={Object.entries(errors).find(([p]) => p.startsWith(`document.rules.${i}.conditions.countries`))?.[1]}>
                  <Input value={(cond(r).countries ?? []).join(', ')} onChange={(e) => setRule(i, { conditions: { ...cond(r), countries: list(e.target.value) } })} />
                </FormField>
                <FormField label="Tiers" hint="Empty = every tier" error={Object.entries(errors).find(([p]) => p.startsWith(`document.rules.${i}.conditions.tierIds`))?.[1]}>
                  <div className="flex flex-wrap gap-2">
                    {(tiers.data?.data ?? []).length === 0 ? <span className="text-xs text-slate-400">This program has no tiers.</span> : null}
                    {(tiers.data?.data ?? []).map((t) => (
                      <label key={t.id} className="flex items-center gap-1 text-sm">
                        <input
                          type="checkbox"
                          checked={cond(r).tierIds?.includes(t.id) ?? false}
                          onChange={(e) => {
                            const now = new Set(cond(r).tierIds ?? []);
                            if (e.target.checked) now.add(t.id);
                            else now.delete(t.id);
                            setRule(i, { conditions: { ...cond(r), tierIds: [...now] } });
                          }}
                        />
                        {t.name}
                      </label>
                    ))}
                  </div>
                </FormField>
              </div>
              {r.source === 'deal' ? (
                <FormField label="Deal roles" hint="Empty = every role">
                  <div className="flex flex-wrap gap-3">
                    {ROLES.map((role) => (
                      <label key={role} className="flex items-center gap-1 text-sm">
                        <input
                          type="checkbox"
                          checked={cond(r).dealRoles?.includes(role) ?? false}
                          onChange={(e) => {
                            const now = new Set(cond(r).dealRoles ?? []);
                            if (e.target.checked) now.add(role);
                            else now.delete(role);
                            setRule(i, { conditions: { ...cond(r), dealRoles: [...now] } });
                          }}
                        />
                        {role}
                      </label>
                    ))}
                  </div>
                </FormField>
              ) : null}
              <div className="grid gap-3 sm:grid-cols-3">
                <FormField label={`Cap per conversion (${currency})`} hint="Optional" error={err(`rules.${i}.caps.perConversion.amountMinor`)}>
                  <Input
                    inputMode="decimal"
                    value={toMajor(r.caps?.perConversion)}
                    onChange={(e) => setRule(i, { caps: { ...r.caps, perConversion: e.target.value.trim() ? money(e.target.value, currency) : undefined } })}
                  />
                </FormField>
                <FormField label={`Cap per partner per period (${currency})`} hint="Optional" error={err(`rules.${i}.caps.perPartnerPerPeriod.amount.amountMinor`)}>
                  <Input
                    inputMode="decimal"
                    value={toMajor(r.caps?.perPartnerPerPeriod?.amount)}
                    onChange={(e) =>
                      setRule(i, {
                        caps: { ...r.caps, perPartnerPerPeriod: e.target.value.trim() ? { amount: money(e.target.value, currency), period: r.caps?.perPartnerPerPeriod?.period ?? 'month' } : undefined },
                      })
                    }
                  />
                </FormField>
                <FormField label="Period">
                  <NativeSelect
                    value={r.caps?.perPartnerPerPeriod?.period ?? 'month'}
                    disabled={!r.caps?.perPartnerPerPeriod}
                    onChange={(e) =>
                      r.caps?.perPartnerPerPeriod && setRule(i, { caps: { ...r.caps, perPartnerPerPeriod: { ...r.caps.perPartnerPerPeriod, period: e.target.value as 'month' | 'quarter' | 'year' } } })
                    }
                    options={[
                      { value: 'month', label: 'Month' },
                      { value: 'quarter', label: 'Quarter' },
                      { value: 'year', label: 'Year' },
                    ]}
                  />
                </FormField>
              </div>
            </fieldset>
          ))}
          <Button
            type="button"
            variant="secondary"
            className="justify-self-start"
            onClick={() =>
              setDoc({
                ...doc,
                rules: [
                  ...doc.rules,
                  { id: nextId('rule', doc.rules), name: 'New rule', source: 'conversion', conversionKind: 'sale', type: 'percentage', rateBp: 1000, duration: { type: 'one_time' }, conditions: { payment: 'any' } },
                ],
              })
            }
          >
            <Plus aria-hidden />
            Add rule
          </Button>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="SPIFFs" description="Time-boxed bonuses on top of the rules, for conversions or won deals inside the window." />
        <CardBody className="grid gap-3">
          {doc.spiffs.map((s, i) => (
            <div key={s.id} className="grid items-end gap-3 sm:grid-cols-[1fr_8rem_8rem_9rem_9rem_auto]">
              <FormField label="Name" error={err(`spiffs.${i}.name`)}>
                <Input value={s.name} onChange={(e) => setSpiff(i, { name: e.target.value })} />
              </FormField>
              <FormField label="Type">
                <NativeSelect
                  value={s.type}
                  onChange={(e) => setSpiff(i, e.target.value === 'flat' ? { type: 'flat', rateBp: undefined, flat: money('50', currency) } : { type: 'percentage', flat: undefined, rateBp: 500 })}
                  options={[
                    { value: 'flat', label: 'Flat' },
                    { value: 'percentage', label: 'Percentage' },
                  ]}
                />
              </FormField>
              {s.type === 'percentage' ? (
                <FormField label="Rate (%)" error={err(`spiffs.${i}.rateBp`)}>
                  <Input value={pct(s.rateBp)} onChange={(e) => setSpiff(i, { rateBp: bp(e.target.value) })} />
                </FormField>
              ) : (
                <FormField label={currency} error={err(`spiffs.${i}.flat.amountMinor`)}>
                  <Input value={toMajor(s.flat)} onChange={(e) => setSpiff(i, { flat: money(e.target.value, currency) })} />
                </FormField>
              )}
              <FormField label="Starts" error={err(`spiffs.${i}.startsAt`)}>
                <Input type="date" value={s.startsAt.slice(0, 10)} onChange={(e) => setSpiff(i, { startsAt: `${e.target.value}T00:00:00Z` })} />
              </FormField>
              <FormField label="Ends (exclusive)" error={err(`spiffs.${i}.endsAt`)}>
                <Input type="date" value={s.endsAt.slice(0, 10)} onChange={(e) => setSpiff(i, { endsAt: `${e.target.value}T00:00:00Z` })} />
              </FormField>
              <Button type="button" size="sm" variant="destructive-ghost" aria-label={`Remove SPIFF ${i + 1}`} onClick={() => setDoc({ ...doc, spiffs: doc.spiffs.filter((_, j) => j !== i) })}>
                <Trash2 aria-hidden />
              </Button>
            </div>
          ))}
          <Button
            type="button"
            variant="secondary"
            className="justify-self-start"
            onClick={() => {
              const start = new Date();
              const end = new Date(start.getTime() + 30 * 86_400_000);
              setDoc({
                ...doc,
                spiffs: [
                  ...doc.spiffs,
                  { id: nextId('spiff', doc.spiffs), name: 'New SPIFF', source: 'conversion', conversionKind: 'sale', type: 'flat', flat: money('50', currency), startsAt: `${start.toISOString().slice(0, 10)}T00:00:00Z`, endsAt: `${end.toISOString().slice(0, 10)}T00:00:00Z`, conditions: { payment: 'any' } },
                ],
              });
            }}
          >
            <Plus aria-hidden />
            Add SPIFF
          </Button>
        </CardBody>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Rebates" description="Volume thresholds per period; the highest reached sets the rate on the whole period volume, paid at period close." />
          <CardBody className="grid gap-3">
            {doc.rebates.map((r, i) => (
              <div key={r.id} className="grid gap-2 rounded-lg border border-slate-200 p-3">
                <div className="grid items-end gap-2 sm:grid-cols-[1fr_8rem_auto]">
                  <FormField label="Name" error={err(`rebates.${i}.name`)}>
                    <Input value={r.name} onChange={(e) => setRebate(i, { name: e.target.value })} />
                  </FormField>
                  <FormField label="Period">
                    <NativeSelect
                      value={r.period}
                      onChange={(e) => setRebate(i, { period: e.target.value as Rebate['period'] })}
                      options={[
                        { value: 'month', label: 'Month' },
                        { value: 'quarter', label: 'Quarter' },
                        { value: 'year', label: 'Year' },
                      ]}
                    />
                  </FormField>
                  <Button type="button" size="sm" variant="destructive-ghost" aria-label={`Remove rebate ${i + 1}`} onClick={() => setDoc({ ...doc, rebates: doc.rebates.filter((_, j) => j !== i) })}>
                    <Trash2 aria-hidden />
                  </Button>
                </div>
                {r.thresholds.map((t, k) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: thresholds have no id; their position is their identity while editing.
                  <div key={k} className="grid grid-cols-[1fr_7rem_auto] items-end gap-2">
                    <FormField label={`From volume (${currency})`} error={err(`rebates.${i}.thresholds.${k}.minVolume`) ?? err(`rebates.${i}.thresholds.${k}.minVolume.amountMinor`)}>
                      <Input value={toMajor(t.minVolume)} onChange={(e) => setRebate(i, { thresholds: r.thresholds.map((x, m) => (m === k ? { ...x, minVolume: money(e.target.value, currency) } : x)) })} />
                    </FormField>
                    <FormField label="Rate (%)" error={err(`rebates.${i}.thresholds.${k}.rateBp`)}>
                      <Input value={pct(t.rateBp)} onChange={(e) => setRebate(i, { thresholds: r.thresholds.map((x, m) => (m === k ? { ...x, rateBp: bp(e.target.value) } : x)) })} />
                    </FormField>
                    <Button type="button" size="sm" variant="ghost" aria-label="Remove threshold" onClick={() => setRebate(i, { thresholds: r.thresholds.filter((_, m) => m !== k) })}>
                      <Trash2 aria-hidden />
                    </Button>
                  </div>
                ))}
                <Button
                  type="button"
                  size="sm"
                  variant="ghost"
                  className="justify-self-start"
                  onClick={() => setRebate(i, { thresholds: [...r.thresholds, { minVolume: money(String((r.thresholds.length + 1) * 10000), currency), rateBp: 100 * (r.thresholds.length + 1) }] })}
                >
                  <Plus aria-hidden />
                  Threshold
                </Button>
              </div>
            ))}
            <Button
              type="button"
              variant="secondary"
              className="justify-self-start"
              onClick={() => setDoc({ ...doc, rebates: [...doc.rebates, { id: nextId('rebate', doc.rebates), name: 'Volume rebate', period: 'quarter', currency, thresholds: [{ minVolume: money('10000', currency), rateBp: 200 }] }] })}
            >
              <Plus aria-hidden />
              Add rebate
            </Button>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Onboarding bonuses" description="Paid once per partner in this program." />
          <CardBody className="grid gap-3">
            <FormField label={`First sale (${currency})`} hint="Empty = no bonus" error={errors['document.bonuses']}>
              <Input inputMode="decimal" value={toMajor(bonus('first_sale')?.amount)} onChange={(e) => setBonus('first_sale', e.target.value)} />
            </FormField>
            <FormField label={`First won deal (${currency})`} hint="Empty = no bonus">
              <Input inputMode="decimal" value={toMajor(bonus('first_won_deal')?.amount)} onChange={(e) => setBonus('first_won_deal', e.target.value)} />
            </FormField>
          </CardBody>
        </Card>
      </div>
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Activating…' : 'Save and activate as a new version'}
        </Button>
      </div>
    </form>
  );
}
