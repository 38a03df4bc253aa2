import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeftRight, CalendarDays, Download, Pencil, Plus } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Checkbox } from '../../ui/checkbox';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { currencyDigits, decimalToMinor, formatDate, minorToDecimalString } from '../../ui/format';
import { Input } from '../../ui/input';
import { Money } from '../../ui/money';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';
import { downloadFile } from './download';
import { CADENCE_LABELS, WEEKDAYS, describeSchedule } from './labels';

type Schedule = components['schemas']['PayoutSchedule'];
type FxRate = components['schemas']['FxRate'];

export function PayoutSettingsPage() {
  const can = useCan();
  return (
    <>
      <PageHeader
        title="Payouts"
        description="When each program pays, the minimum payout, exchange rates, the payment providers, and year-end tax exports."
      />
      <div className="grid gap-6">
        <SchedulesCard canEdit={can('payouts:manage')} />
        <FxRatesCard canEdit={can('payouts:manage')} />
        <ProvidersCard canEdit={can('payouts:approve')} />
        {can('tax:read') ? <TaxExportCard /> : null}
      </div>
    </>
  );
}

function SchedulesCard({ canEdit }: { canEdit: boolean }) {
  const schedules = useQuery({ queryKey: ['payout-schedules'], queryFn: () => unwrap(api.GET('/api/v1/payout-schedules')) });
  const [editing, setEditing] = React.useState<Schedule | null>(null);
  const columns: Column<Schedule>[] = [
    { id: 'program', header: 'Program', cell: (s) => <span className="font-medium text-slate-900">{s.programName}</span> },
    { id: 'cadence', header: 'Schedule', cell: (s) => describeSchedule(s) },
    { id: 'next', header: 'Next payout', cell: (s) => formatDate(`${s.nextPayoutDate}T12:00:00Z`) },
    { id: 'threshold', header: 'Minimum', align: 'right', cell: (s) => <Money amountMinor={s.threshold.amountMinor} currency={s.threshold.currency} /> },
    { id: 'currency', header: 'Currency', cell: (s) => (s.currencyMode === 'partner' ? "Partner's currency" : 'Per currency'), hideOnMobile: true },
    { id: 'tax', header: 'Tax hold', cell: (s) => (s.holdUntilTaxComplete ? <Badge tone="warning">Until tax profile complete</Badge> : <span className="text-slate-400">No</span>), hideOnMobile: true },
    {
      id: 'edit',
      header: <span className="sr-only">Edit</span>,
      align: 'right',
      cell: (s) =>
        canEdit ? (
          <Button size="sm" variant="ghost" aria-label={`Edit the payout schedule of ${s.programName}`} onClick={() => setEditing(s)}>
            <Pencil aria-hidden />
            Edit
          </Button>
        ) : null,
    },
  ];
  return (
    <Card>
      <CardHeader
        title="Schedules"
        description={`Next payout dates are in the workspace time zone${schedules.data?.data[0] ? ` (${schedules.data.data[0].timeZone})` : ''}. A program without its own schedule pays monthly on the last day with no minimum.`}
      />
      {schedules.isError ? (
        <CardBody>
          <QueryError error={schedules.error} retry={() => void schedules.refetch()} />
        </CardBody>
      ) : (
        <DataTable
          label="Payout schedules"
          columns={columns}
          rows={schedules.data?.data}
          loading={schedules.isPending}
          getRowId={(s) => s.programId}
          empty={<EmptyState icon={CalendarDays} title="No programs yet" description="Create a program first; each program gets a payout schedule." />}
        />
      )}
      <ScheduleDialog schedule={editing} onClose={() => setEditing(null)} />
    </Card>
  );
}

function ScheduleDialog({ schedule, onClose }: { schedule: Schedule | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [form, setForm] = React.useState({ cadence: 'monthly', dayOfMonth: '31', weekday: '5', threshold: '0', currency: 'USD', currencyMode: 'per_currency', hold: false });
  React.useEffect(() => {
    if (!schedule) return;
    setErrors({});
    setForm({
      cadence: schedule.cadence,
      dayOfMonth: String(schedule.dayOfMonth ?? 31),
      weekday: String(schedule.weekday ?? 5),
      threshold: minorToDecimalString(schedule.threshold.amountMinor, currencyDigits(schedule.threshold.currency)),
      currency: schedule.threshold.currency,
      currencyMode: schedule.currencyMode,
      hold: schedule.holdUntilTaxComplete,
    });
  }, [schedule]);
  const save = useMutation({
    mutationFn: () => {
      const amountMinor = decimalToMinor(form.threshold, form.currency);
      if (amountMinor === null) throw new Error('threshold');
      return unwrap(
        api.PUT('/api/v1/programs/{id}/payout-schedule', {
          params: { path: { id: schedule?.programId ?? '' } },
          body: {
            cadence: form.cadence as Schedule['cadence'],
            dayOfMonth: form.cadence === 'monthly' ? Number(form.dayOfMonth) : null,
            weekday: form.cadence === 'weekly' ? Number(form.weekday) : null,
            threshold: { amountMinor, currency: form.currency },
            currencyMode: form.currencyMode as Schedule['currencyMode'],
            holdUntilTaxComplete: form.hold,
          },
        }),
      );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['payout-schedules'] });
      toast({ title: 'Schedule saved' });
      onClose();
    },
    onError: (error) => {
      if (error instanceof Error && error.message === 'threshold') return setErrors({ threshold: 'Enter an amount such as 50 or 50.00' });
      handleProblem(error, { setFieldErrors: setErrors, mapPath: (p) => (p.startsWith('threshold') ? 'threshold' : p) });
    },
  });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <Dialog open={schedule !== null} onOpenChange={(open) => (!open ? onClose() : undefined)}>
      <DialogContent title={`Payout schedule · ${schedule?.programName ?? ''}`} description="Balances below the minimum are carried over to the next run.">
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <FormField label="Cadence" error={errors.cadence}>
            <NativeSelect value={form.cadence} onChange={set('cadence')} options={Object.entries(CADENCE_LABELS).map(([value, label]) => ({ value, label }))} />
          </FormField>
          {form.cadence === 'monthly' ? (
            <FormField label="Day of the month" error={errors.dayOfMonth}>
              <NativeSelect
                value={form.dayOfMonth}
                onChange={set('dayOfMonth')}
                options={[...Array.from({ length: 28 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) })), { value: '31', label: 'Last day of the month' }]}
              />
            </FormField>
          ) : null}
          {form.cadence === 'weekly' ? (
            <FormField label="Weekday" error={errors.weekday}>
              <NativeSelect value={form.weekday} onChange={set('weekday')} options={WEEKDAYS.map((label, i) => ({ value: String(i + 1), label }))} />
            </FormField>
          ) : null}
          <div className="grid grid-cols-[1fr_7rem] gap-3">
            <FormField label="Minimum payout" error={errors.threshold} hint="0 pays any positive balance">
              <Input inputMode="decimal" value={form.threshold} onChange={set('threshold')} />
            </FormField>
            <FormField label="Currency">
              <Input value={form.currency} maxLength={3} onChange={(e) => setForm((f) => ({ ...f, currency: e.target.value.toUpperCase() }))} />
            </FormField>
          </div>
          <FormField label="Pay in" error={errors.currencyMode}>
            <NativeSelect
              value={form.currencyMode}
              onChange={set('currencyMode')}
              options={[
                { value: 'per_currency', label: 'Each currency as earned (one payout per currency)' },
                { value: 'partner', label: "The partner's payout currency (converted with your FX rates)" },
              ]}
            />
          </FormField>
          <div className="flex items-center gap-2 text-sm text-slate-700">
            <Checkbox id="payout-hold-tax" checked={form.hold} onCheckedChange={(v) => setForm((f) => ({ ...f, hold: v === true }))} />
            <label htmlFor="payout-hold-tax">Hold payouts until the partner's tax profile is complete</label>
          </div>
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={save.isPending}>
              Save schedule
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function FxRatesCard({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const rates = useQuery({ queryKey: ['fx-rates'], queryFn: () => unwrap(api.GET('/api/v1/fx-rates')) });
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const today = new Date().toISOString().slice(0, 10);
  const [form, setForm] = React.useState({ base: 'USD', quote: 'EUR', rate: '', effectiveDate: today });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/fx-rates', { body: form })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['fx-rates'] });
      toast({ title: 'Exchange rate added' });
      setForm((f) => ({ ...f, rate: '' }));
      setErrors({});
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['base', 'quote', 'rate', 'effectiveDate'] }),
  });
  const columns: Column<FxRate>[] = [
    { id: 'pair', header: 'Pair', cell: (r) => <span className="font-medium text-slate-900">{`${r.base} → ${r.quote}`}</span> },
    { id: 'rate', header: 'Rate', align: 'right', cell: (r) => <span className="tabular-nums">{`1 ${r.base} = ${r.rate} ${r.quote}`}</span> },
    { id: 'from', header: 'Effective from', cell: (r) => formatDate(`${r.effectiveDate}T12:00:00Z`) },
    { id: 'by', header: 'Added by', cell: (r) => r.createdByName ?? '—', hideOnMobile: true },
  ];
  return (
    <Card>
      <CardHeader title="Exchange rates" description="Used when a program pays in the partner's currency. The rate in force on the run date is used and recorded on each payout. Exact decimals, up to 8 places." />
      {canEdit ? (
        <CardBody className="border-b border-slate-100">
          <form
            className="grid grid-cols-2 items-end gap-3 sm:grid-cols-[6rem_6rem_1fr_10rem_auto]"
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate();
            }}
            aria-label="Add an exchange rate"
          >
            <FormField label="From" error={errors.base}>
              <Input value={form.base} maxLength={3} onChange={(e) => setForm((f) => ({ ...f, base: e.target.value.toUpperCase() }))} />
            </FormField>
            <FormField label="To" error={errors.quote}>
              <Input value={form.quote} maxLength={3} onChange={(e) => setForm((f) => ({ ...f, quote: e.target.value.toUpperCase() }))} />
            </FormField>
            <FormField label="Rate" error={errors.rate}>
              <Input inputMode="decimal" placeholder="0.9215" value={form.rate} onChange={(e) => setForm((f) => ({ ...f, rate: e.target.value }))} />
            </FormField>
            <FormField label="Effective from" error={errors.effectiveDate}>
              <Input type="date" value={form.effectiveDate} onChange={(e) => setForm((f) => ({ ...f, effectiveDate: e.target.value }))} />
            </FormField>
            <Button type="submit" disabled={add.isPending || !form.rate}>
              <Plus aria-hidden />
              Add rate
            </Button>
          </form>
        </CardBody>
      ) : null}
      {rates.isError ? (
        <CardBody>
          <QueryError error={rates.error} retry={() => void rates.refetch()} />
        </CardBody>
      ) : (
        <DataTable
          label="Exchange rates"
          columns={columns}
          rows={rates.data?.data}
          loading={rates.isPending}
          getRowId={(r) => r.id}
          empty={<EmptyState icon={ArrowLeftRight} title="No exchange rates" description="Add one when a program pays partners in their own currency." />}
        />
      )}
    </Card>
  );
}

function ProvidersCard({ canEdit }: { canEdit: boolean }) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['payout-settings'], queryFn: () => unwrap(api.GET('/api/v1/payout-settings')) });
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [stripeKey, setStripeKey] = React.useState('');
  const [paypalId, setPaypalId] = React.useState('');
  const [paypalSecret, setPaypalSecret] = React.useState('');
  const [paypalBase, setPaypalBase] = React.useState('');
  const [sourceCurrency, setSourceCurrency] = React.useState('');
  React.useEffect(() => {
    if (!settings.data) return;
    setPaypalId(settings.data.paypal.clientId ?? '');
    setPaypalBase(settings.data.paypal.apiBase ?? '');
    setSourceCurrency(settings.data.bank.sourceCurrency ?? '');
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (body: components['schemas']['PutPayoutSettingsRequest']) => unwrap(api.PUT('/api/v1/payout-settings', { body })),
    onSuccess: (next) => {
      queryClient.setQueryData(['payout-settings'], next);
      setStripeKey('');
      setPaypalSecret('');
      setErrors({});
      toast({ title: 'Payout settings saved' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, mapPath: (path) => path }),
  });
  if (settings.isError) return <QueryError error={settings.error} retry={() => void settings.refetch()} />;
  if (settings.isPending)
    return (
      <Card className="p-6">
        <LoadingBlock lines={4} />
      </Card>
    );
  const s = settings.data;
  return (
    <Card>
      <CardHeader title="Providers and approval" description="Secrets are stored encrypted and never shown again. Only finance and admins can change them." />
      <CardBody className="grid gap-6">
        <div className="flex items-center gap-2 text-sm text-slate-700">
          <Checkbox id="payout-four-eyes" disabled={!canEdit} checked={s.requireFourEyes} onCheckedChange={(v) => save.mutate({ requireFourEyes: v === true })} />
          <label htmlFor="payout-four-eyes">Four-eyes rule: a payout run must be approved by someone other than the person who created it</label>
        </div>
        <form
          className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ stripe: { secretKey: stripeKey } });
          }}
        >
          <FormField
            label={
              <span className="inline-flex items-center gap-2">
                Stripe Connect secret key {s.stripe.configured ? <Badge tone="success">Configured · {s.stripe.secretKeyHint}</Badge> : <Badge tone="muted">Not set</Badge>}
              </span>
            }
            error={errors['stripe.secretKey']}
            hint="Transfers go from your Stripe balance to each partner's connected account."
          >
            <Input type="password" autoComplete="off" placeholder="sk_live_…" value={stripeKey} disabled={!canEdit} onChange={(e) => setStripeKey(e.target.value)} />
          </FormField>
          <Button type="submit" variant="secondary" disabled={!canEdit || !stripeKey || save.isPending}>
            Save Stripe key
          </Button>
        </form>
        <form
          className="grid gap-3 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ paypal: { clientId: paypalId || null, ...(paypalSecret ? { secret: paypalSecret } : {}), apiBase: paypalBase || null } });
          }}
        >
          <FormField label={<span className="inline-flex items-center gap-2">PayPal client id {s.paypal.configured ? <Badge tone="success">Configured</Badge> : <Badge tone="muted">Not set</Badge>}</span>} error={errors['paypal.clientId']}>
            <Input value={paypalId} disabled={!canEdit} onChange={(e) => setPaypalId(e.target.value)} />
          </FormField>
          <FormField label="PayPal secret" error={errors['paypal.secret']} hint={s.paypal.configured ? 'Leave empty to keep the stored secret' : undefined}>
            <Input type="password" autoComplete="off" value={paypalSecret} disabled={!canEdit} onChange={(e) => setPaypalSecret(e.target.value)} />
          </FormField>
          <FormField label="PayPal API" optional error={errors['paypal.apiBase']} hint="Empty for live; https://api-m.sandbox.paypal.com for the sandbox">
            <Input value={paypalBase} disabled={!canEdit} onChange={(e) => setPaypalBase(e.target.value)} />
          </FormField>
          <div className="flex items-end">
            <Button type="submit" variant="secondary" disabled={!canEdit || save.isPending}>
              Save PayPal
            </Button>
          </div>
        </form>
        <form
          className="grid gap-3 sm:grid-cols-[12rem_auto] sm:items-center"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ bank: { sourceCurrency: sourceCurrency || null } });
          }}
        >
          <FormField label="Bank file source currency" optional error={errors['bank.sourceCurrency']} hint="The currency your Wise balance pays from">
            <Input value={sourceCurrency} maxLength={3} disabled={!canEdit} onChange={(e) => setSourceCurrency(e.target.value.toUpperCase())} />
          </FormField>
          <Button type="submit" variant="secondary" className="justify-self-start" disabled={!canEdit || save.isPending}>
            Save
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}

function TaxExportCard() {
  const [year, setYear] = React.useState(String(new Date().getFullYear()));
  const [threshold, setThreshold] = React.useState('600.00');
  const minor = decimalToMinor(threshold, 'USD');
  return (
    <Card>
      <CardHeader title="Year-end tax export (1099-style)" description="US payees (W-9) paid at least the threshold in USD during the calendar year, with legal name, full tax id and address. The export is recorded in the audit log." />
      <CardBody>
        <div className="grid grid-cols-2 items-end gap-3 sm:grid-cols-[8rem_10rem_auto]">
          <FormField label="Year">
            <Input inputMode="numeric" value={year} onChange={(e) => setYear(e.target.value)} />
          </FormField>
          <FormField label="Threshold (USD)" error={minor === null ? 'Enter an amount such as 600.00' : undefined}>
            <Input inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
          </FormField>
          <Button variant="secondary" className="justify-self-start" disabled={minor === null} onClick={() => void downloadFile(`/api/v1/tax/1099.csv?year=${encodeURIComponent(year)}&thresholdMinor=${minor}`, `1099-${year}.csv`)}>
            <Download aria-hidden />
            Download 1099 CSV
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}
