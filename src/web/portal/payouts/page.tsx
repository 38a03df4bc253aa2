import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Banknote, CalendarClock, FileText, Landmark, ShieldCheck } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, isStatus, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { METHOD_LABELS } from '../../admin/payouts/labels';
import { StatementButtons } from '../../admin/payouts/runs';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { Money } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock, Skeleton } from '../../ui/skeleton';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';
import { toast } from '../../ui/toast';
import { DisputeStatementButton, MyDisputes } from './disputes';

type PortalPayout = components['schemas']['PortalPayout'];
type TaxProfile = NonNullable<components['schemas']['TaxProfile']>;
type MoneyJson = { amountMinor: string; currency: string };

const PORTAL_STATUS: Record<string, { label: string; tone: 'brand' | 'warning' | 'success' }> = {
  approved: { label: 'Scheduled', tone: 'brand' },
  processing: { label: 'On its way', tone: 'warning' },
  failed: { label: 'On its way', tone: 'warning' },
  paid: { label: 'Paid', tone: 'success' },
};

function Amounts({ items, empty = '—' }: { items: MoneyJson[]; empty?: string }) {
  if (items.length === 0) return <span className="text-slate-400">{empty}</span>;
  return (
    <span className="grid">
      {items.map((m) => (
        <Money key={m.currency} amountMinor={m.amountMinor} currency={m.currency} />
      ))}
    </span>
  );
}

export function PortalPayoutsPage() {
  const [tab, setTab] = React.useState('payouts');
  const summary = useQuery({ queryKey: ['portal', 'payouts', 'summary'], queryFn: () => unwrap(api.GET('/api/v1/portal/payouts/summary')), retry: false });
  if (summary.isError && isStatus(summary.error, 403)) {
    return (
      <>
        <PageHeader title="Payouts" />
        <Card>
          <EmptyState icon={ShieldCheck} title="Payouts are for your admins and finance team" description="Ask a partner admin to give you the finance role to see payouts and statements." />
        </Card>
      </>
    );
  }
  const s = summary.data;
  const next = s?.nextPayouts.slice().sort((a, b) => a.date.localeCompare(b.date))[0];
  return (
    <>
      <PageHeader title="Payouts" description="When you get paid, what is on its way, your statements, and how you want to be paid." />
      {summary.isError ? <QueryError error={summary.error} retry={() => void summary.refetch()} /> : null}
      <div className="mb-6 grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Card>
          <CardBody>
            <p className="flex items-center gap-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">
              <CalendarClock className="size-3.5" aria-hidden /> Next payout date
            </p>
            <p className="mt-1 text-lg font-semibold text-slate-900" data-testid="next-payout-date">
              {summary.isPending ? <Skeleton className="h-6 w-32" /> : next ? formatDate(`${next.date}T12:00:00Z`) : '—'}
            </p>
            {next ? (
              <p className="text-xs text-slate-500">
                {next.programName} · minimum <Money amountMinor={next.threshold.amountMinor} currency={next.threshold.currency} />
              </p>
            ) : null}
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Ready for the next payout</p>
            <div className="mt-1 text-lg font-semibold text-slate-900">{s ? <Amounts items={[...s.balances.approved, ...s.balances.payable]} empty="Nothing yet" /> : <Skeleton className="h-6 w-24" />}</div>
            {s && s.balances.pending.length > 0 ? (
              <p className="text-xs text-slate-500">
                Pending (in the hold period): <Amounts items={s.balances.pending} />
              </p>
            ) : null}
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Paid to you</p>
            <div className="mt-1 text-lg font-semibold text-slate-900">{s ? <Amounts items={s.balances.paid} empty="Nothing yet" /> : <Skeleton className="h-6 w-24" />}</div>
          </CardBody>
        </Card>
      </div>
      {s && (s.taxProfileStatus !== 'complete' || !s.payoutMethod) ? (
        <div className="mb-4 grid gap-2">
          {!s.payoutMethod ? <InlineAlert tone="warning" message="Tell us how to pay you: add a payout method." /> : null}
          {s.taxProfileStatus !== 'complete' ? <InlineAlert tone="warning" message="Your tax profile is not complete. Some programs hold payouts until it is." /> : null}
        </div>
      ) : null}
      <Tabs value={tab} onValueChange={setTab}>
        <TabsList aria-label="Payout sections">
          <TabsTrigger value="payouts">Payouts and statements</TabsTrigger>
          <TabsTrigger value="method">Payout method</TabsTrigger>
          <TabsTrigger value="tax">Tax profile</TabsTrigger>
        </TabsList>
        <TabsContent value="payouts">
          <div className="grid gap-6">
            <PayoutList />
            <MyDisputes />
          </div>
        </TabsContent>
        <TabsContent value="method">
          <PayoutMethodForm />
        </TabsContent>
        <TabsContent value="tax">
          <TaxProfileForm />
        </TabsContent>
      </Tabs>
    </>
  );
}

function PayoutList() {
  const pager = useCursorPager('payouts');
  const payouts = useQuery({
    queryKey: ['portal', 'payouts', pager.cursor],
    queryFn: () => unwrap(api.GET('/api/v1/portal/payouts', { params: { query: { limit: 25, ...(pager.cursor ? { cursor: pager.cursor } : {}) } } })),
  });
  const pagination = pager.pagination(payouts.data?.nextCursor);
  if (payouts.isError) return <QueryError error={payouts.error} retry={() => void payouts.refetch()} />;
  if (payouts.isPending)
    return (
      <div className="grid gap-3">
        <Skeleton className="h-20 rounded-xl" />
        <Skeleton className="h-20 rounded-xl" />
      </div>
    );
  if (payouts.data.data.length === 0)
    return (
      <Card>
        <EmptyState icon={Banknote} title="No payouts yet" description="Once your approved commissions are in a payout run, it shows here with its statement." />
      </Card>
    );
  return (
    <div className="grid gap-3">
      <ul className="grid gap-3" aria-label="My payouts">
        {payouts.data.data.map((p) => (
          <li key={p.id}>
            <PayoutCard payout={p} />
          </li>
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

function PayoutCard({ payout: p }: { payout: PortalPayout }) {
  const status = PORTAL_STATUS[p.status] ?? PORTAL_STATUS.processing;
  return (
    <article className="flex flex-wrap items-center justify-between gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-card sm:p-5" aria-label={`Payout ${p.statementNumber ?? p.id}`}>
      <div className="grid gap-1">
        <p className="flex items-center gap-2 text-[15px] font-semibold text-slate-900">
          <FileText className="size-4 text-slate-400" aria-hidden />
          Statement {p.statementNumber}
        </p>
        <p className="text-[13px] text-slate-500">
          {p.entryCount} commission{p.entryCount === 1 ? '' : 's'} · {p.methodType ? METHOD_LABELS[p.methodType] : 'Manual'} ·{' '}
          {p.paidAt ? `paid ${formatDate(p.paidAt)}` : `approved ${formatDate(p.createdAt)}`}
        </p>
        {p.reversal ? (
          <p className="text-[13px] text-amber-800" role="note">
            <Money amountMinor={p.reversal.amount.amountMinor} currency={p.reversal.amount.currency} /> of this payment came back to the vendor on {formatDate(p.reversal.reversedAt)}: it is owed to you again and
            paid in your next payout.
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Money amountMinor={p.amount.amountMinor} currency={p.amount.currency} className="text-base font-semibold text-slate-900" />
        <Badge tone={status.tone} dot>
          {status.label}
        </Badge>
        {p.reversal ? <Badge tone="warning">{p.reversal.full ? 'Reversed' : 'Partially reversed'}</Badge> : null}
        {p.statementNumber ? <StatementButtons payoutId={p.id} number={p.statementNumber} scope="portal" /> : null}
        {p.statementNumber ? <DisputeStatementButton payout={p} /> : null}
      </div>
    </article>
  );
}

function PayoutMethodForm() {
  const queryClient = useQueryClient();
  const method = useQuery({ queryKey: ['portal', 'payout-method'], queryFn: () => unwrap(api.GET('/api/v1/portal/payout-method')) });
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [form, setForm] = React.useState({ type: 'paypal', currency: 'USD', stripeAccountId: '', paypalEmail: '', holderName: '', country: '', iban: '', accountNumber: '', routingNumber: '', bic: '', email: '' });
  React.useEffect(() => {
    const m = method.data?.method;
    if (!m) return;
    setForm((f) => ({ ...f, type: m.type, currency: m.currency, stripeAccountId: m.stripeAccountId ?? '', paypalEmail: m.paypalEmail ?? '', holderName: m.bank?.holderName ?? '', country: m.bank?.country ?? '' }));
  }, [method.data]);
  const save = useMutation({
    mutationFn: () => {
      const body: components['schemas']['PutPayoutMethodRequest'] = { type: form.type as 'paypal', currency: form.currency };
      if (form.type === 'stripe_connect') body.stripeAccountId = form.stripeAccountId;
      if (form.type === 'paypal') body.paypalEmail = form.paypalEmail;
      if (form.type === 'bank')
        body.bank = {
          holderName: form.holderName,
          country: form.country,
          receiverType: 'BUSINESS',
          ...(form.iban ? { iban: form.iban.toUpperCase() } : {}),
          ...(form.accountNumber ? { accountNumber: form.accountNumber } : {}),
          ...(form.routingNumber ? { routingNumber: form.routingNumber } : {}),
          ...(form.bic ? { bic: form.bic.toUpperCase() } : {}),
          ...(form.email ? { email: form.email } : {}),
        };
      return unwrap(api.PUT('/api/v1/portal/payout-method', { body }));
    },
    onSuccess: (next) => {
      queryClient.setQueryData(['portal', 'payout-method'], next);
      void queryClient.invalidateQueries({ queryKey: ['portal', 'payouts', 'summary'] });
      setErrors({});
      setForm((f) => ({ ...f, iban: '', accountNumber: '', routingNumber: '' }));
      toast({ title: 'Payout method saved' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, mapPath: (p) => p.replace(/^bank\./, '') }),
  });
  if (method.isError) return <QueryError error={method.error} retry={() => void method.refetch()} />;
  if (method.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={4} />
      </Card>
    );
  const current = method.data.method;
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <Card>
      <CardHeader
        title="How we pay you"
        description={current ? `Current: ${METHOD_LABELS[current.type]} in ${current.currency}${current.bank ? ` · account ${current.bank.account}` : ''}` : 'No payout method yet.'}
      />
      <CardBody>
        <form
          className="grid max-w-xl gap-4"
          aria-label="Payout method"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <div className="grid grid-cols-[1fr_7rem] gap-3">
            <FormField label="Method" error={errors.type}>
              <NativeSelect value={form.type} onChange={set('type')} options={Object.entries(METHOD_LABELS).map(([value, label]) => ({ value, label }))} />
            </FormField>
            <FormField label="Currency" error={errors.currency}>
              <Input value={form.currency} maxLength={3} onChange={(e) => setForm((f) => ({ ...f, currency: e.target.value.toUpperCase() }))} />
            </FormField>
          </div>
          {form.type === 'stripe_connect' ? (
            <FormField label="Stripe connected account id" error={errors.stripeAccountId} hint="Starts with acct_">
              <Input value={form.stripeAccountId} onChange={set('stripeAccountId')} placeholder="acct_…" />
            </FormField>
          ) : null}
          {form.type === 'paypal' ? (
            <FormField label="PayPal email" error={errors.paypalEmail}>
              <Input type="email" value={form.paypalEmail} onChange={set('paypalEmail')} />
            </FormField>
          ) : null}
          {form.type === 'bank' ? (
            <>
              <div className="grid grid-cols-[1fr_7rem] gap-3">
                <FormField label="Account holder" error={errors.holderName ?? errors.bank}>
                  <Input value={form.holderName} onChange={set('holderName')} />
                </FormField>
                <FormField label="Country" error={errors.country}>
                  <Input value={form.country} maxLength={2} placeholder="DE" onChange={(e) => setForm((f) => ({ ...f, country: e.target.value.toUpperCase() }))} />
                </FormField>
              </div>
              <FormField label="IBAN" error={errors.iban} hint={current?.bank ? 'Stored encrypted; enter it again to change it' : 'Or give an account number below'}>
                <Input value={form.iban} onChange={set('iban')} autoComplete="off" />
              </FormField>
              <div className="grid grid-cols-2 gap-3">
                <FormField label="Account number" optional error={errors.accountNumber}>
                  <Input value={form.accountNumber} onChange={set('accountNumber')} autoComplete="off" />
                </FormField>
                <FormField label="Routing number / sort code" optional error={errors.routingNumber}>
                  <Input value={form.routingNumber} onChange={set('routingNumber')} autoComplete="off" />
                </FormField>
              </div>
              <div className="grid grid-cols-2 gap-3">
                <FormField label="BIC / SWIFT" optional error={errors.bic}>
                  <Input value={form.bic} onChange={set('bic')} />
                </FormField>
                <FormField label="Remittance email" optional error={errors.email}>
                  <Input type="email" value={form.email} onChange={set('email')} />
                </FormField>
              </div>
            </>
          ) : null}
          {form.type === 'manual' ? <p className="text-sm text-slate-600">The vendor pays you outside the platform (for example by cheque) and records the reference.</p> : null}
          <div>
            <Button type="submit" disabled={save.isPending}>
              <Landmark aria-hidden />
              Save payout method
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

const FORM_TYPES = [
  { value: 'w9', label: 'W-9 (US person or entity)' },
  { value: 'w8ben', label: 'W-8BEN (non-US individual)' },
  { value: 'w8bene', label: 'W-8BEN-E (non-US entity)' },
];
const ENTITY_TYPES = [
  { value: 'individual', label: 'Individual' },
  { value: 'sole_proprietor', label: 'Sole proprietor' },
  { value: 'corporation', label: 'Corporation' },
  { value: 'partnership', label: 'Partnership' },
  { value: 'llc', label: 'LLC' },
  { value: 'other', label: 'Other' },
];
const MISSING_LABELS: Record<string, string> = {
  legalName: 'legal name',
  country: 'country',
  entityType: 'entity type',
  taxId: 'tax id',
  address: 'address',
  signatureName: 'signature',
  signedOn: 'signature date',
};

function TaxProfileForm() {
  const queryClient = useQueryClient();
  const profile = useQuery({ queryKey: ['portal', 'tax-profile'], queryFn: () => unwrap(api.GET('/api/v1/portal/tax-profile')), retry: false });
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const empty = { formType: 'w9', legalName: '', country: 'US', entityType: 'individual', taxId: '', line1: '', line2: '', city: '', region: '', postalCode: '', signatureName: '', signedOn: new Date().toISOString().slice(0, 10) };
  const [form, setForm] = React.useState(empty);
  React.useEffect(() => {
    const found = profile.data?.profile;
    if (!found) return;
    const p: TaxProfile = found;
    setForm((f) => ({
      ...f,
      formType: p.formType,
      legalName: p.legalName ?? '',
      country: p.country ?? '',
      entityType: p.entityType ?? 'individual',
      line1: p.address?.line1 ?? '',
      line2: p.address?.line2 ?? '',
      city: p.address?.city ?? '',
      region: p.address?.region ?? '',
      postalCode: p.address?.postalCode ?? '',
      signatureName: p.signatureName ?? '',
      signedOn: p.signedOn ?? f.signedOn,
    }));
  }, [profile.data]);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/portal/tax-profile', {
          body: {
            formType: form.formType as TaxProfile['formType'],
            legalName: form.legalName || null,
            ...(form.country ? { country: form.country } : {}),
            entityType: (form.entityType || null) as TaxProfile['entityType'],
            ...(form.taxId ? { taxId: form.taxId } : {}),
            ...(form.line1 && form.city && form.postalCode
              ? { address: { line1: form.line1, line2: form.line2 || null, city: form.city, region: form.region || null, postalCode: form.postalCode, country: form.country } }
              : {}),
            signatureName: form.signatureName || null,
            ...(form.signedOn ? { signedOn: form.signedOn } : {}),
          },
        }),
      ),
    onSuccess: (next) => {
      queryClient.setQueryData(['portal', 'tax-profile'], next);
      void queryClient.invalidateQueries({ queryKey: ['portal', 'payouts', 'summary'] });
      setErrors({});
      setForm((f) => ({ ...f, taxId: '' }));
      toast({ title: next.profile?.status === 'complete' ? 'Tax profile complete' : 'Tax profile saved (incomplete)' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, mapPath: (p) => (p.startsWith('address.') ? p.slice(8).replace('postalCode', 'postalCode') : p) }),
  });
  if (profile.isError && isStatus(profile.error, 403))
    return (
      <Card>
        <EmptyState icon={ShieldCheck} title="Only partner admins and finance can see the tax profile" description="Ask a partner admin for the finance role." />
      </Card>
    );
  if (profile.isError) return <QueryError error={profile.error} retry={() => void profile.refetch()} />;
  if (profile.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={6} />
      </Card>
    );
  const p = profile.data.profile;
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <Card>
      <CardHeader
        title="Tax profile"
        description="W-9 / W-8BEN style information the vendor needs to pay you. Your tax id is stored encrypted and shown only masked."
        actions={p ? <Badge tone={p.status === 'complete' ? 'success' : 'warning'}>{p.status === 'complete' ? 'Complete' : 'Incomplete'}</Badge> : <Badge tone="muted">Not started</Badge>}
      />
      <CardBody>
        {p && p.missing.length > 0 ? (
          <div className="mb-4">
            <InlineAlert tone="warning" message={`Still needed: ${p.missing.map((m) => MISSING_LABELS[m] ?? m).join(', ')}.`} />
          </div>
        ) : null}
        <form
          className="grid max-w-2xl gap-4"
          aria-label="Tax profile"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField label="Form" error={errors.formType}>
              <NativeSelect value={form.formType} onChange={set('formType')} options={FORM_TYPES} />
            </FormField>
            <FormField label="Entity type" error={errors.entityType}>
              <NativeSelect value={form.entityType} onChange={set('entityType')} options={ENTITY_TYPES} />
            </FormField>
          </div>
          <div className="grid gap-3 sm:grid-cols-[1fr_7rem]">
            <FormField label="Legal name" error={errors.legalName}>
              <Input value={form.legalName} onChange={set('legalName')} />
            </FormField>
            <FormField label="Country" error={errors.country}>
              <Input value={form.country} maxLength={2} onChange={(e) => setForm((f) => ({ ...f, country: e.target.value.toUpperCase() }))} />
            </FormField>
          </div>
          <FormField label="Tax id (SSN, EIN or foreign TIN)" error={errors.taxId} hint={p?.taxId ? `On file: ${p.taxId} — leave empty to keep it` : 'Stored encrypted'}>
            <Input value={form.taxId} onChange={set('taxId')} autoComplete="off" />
          </FormField>
          <FormField label="Address" error={errors.line1 ?? errors.address}>
            <Input value={form.line1} onChange={set('line1')} placeholder="Street and number" />
          </FormField>
          <Input aria-label="Address line 2" value={form.line2} onChange={set('line2')} placeholder="Suite, floor (optional)" />
          <div className="grid gap-3 sm:grid-cols-3">
            <FormField label="City" error={errors.city}>
              <Input value={form.city} onChange={set('city')} />
            </FormField>
            <FormField label="State / region" optional error={errors.region}>
              <Input value={form.region} onChange={set('region')} />
            </FormField>
            <FormField label="Postal code" error={errors.postalCode}>
              <Input value={form.postalCode} onChange={set('postalCode')} />
            </FormField>
          </div>
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField label="Signature (type your full name)" error={errors.signatureName} hint="I certify the information above is correct.">
              <Input value={form.signatureName} onChange={set('signatureName')} />
            </FormField>
            <FormField label="Date signed" error={errors.signedOn}>
              <Input type="date" value={form.signedOn} onChange={set('signedOn')} />
            </FormField>
          </div>
          <div>
            <Button type="submit" disabled={save.isPending}>
              Save tax profile
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
