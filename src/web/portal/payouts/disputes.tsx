import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { MessageSquareWarning } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { kindLabel } from '../../admin/commissions/labels';
import { DISPUTE_REASON, DISPUTE_STATUS } from '../../admin/payouts/labels';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { FormField } from '../../ui/form-field';
import { currencyDigits, decimalToMinor, formatDate, formatMoney } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input, Textarea } from '../../ui/input';
import { Money } from '../../ui/money';
import { NativeSelect } from '../../ui/select';
import { toast } from '../../ui/toast';

type PortalPayout = components['schemas']['PortalPayout'];
type Reason = components['schemas']['OpenStatementDisputeRequest']['reason'];

const REASON_OPTIONS = (Object.keys(DISPUTE_REASON) as Reason[]).map((value) => ({ value, label: DISPUTE_REASON[value] }));
const myDisputesKey = ['portal', 'payout-disputes'];
/** How many of a statement's lines the dialog loads at a time (newest first; "Show older lines" loads more). */
const LINES_PAGE = 100;

/** "Dispute" on a statement: tell finance what is missing or wrong; the answer shows under Disputes. */
export function DisputeStatementButton({ payout }: { payout: PortalPayout }) {
  const [open, setOpen] = React.useState(false);
  return (
    <>
      <Button size="sm" variant="ghost" aria-label={`Dispute statement ${payout.statementNumber}`} onClick={() => setOpen(true)}>
        <MessageSquareWarning aria-hidden />
        Dispute
      </Button>
      <DisputeDialog payout={payout} open={open} onOpenChange={setOpen} />
    </>
  );
}

function DisputeDialog({ payout, open, onOpenChange }: { payout: PortalPayout; open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const currency = payout.amount.currency;
  const [reason, setReason] = React.useState<Reason>('missing_commission');
  const [message, setMessage] = React.useState('');
  const [expected, setExpected] = React.useState('');
  const [entryId, setEntryId] = React.useState('');
  const [errors, setErrors] = React.useState<FieldErrors>({});
  // The statement's lines, to name the one that is wrong (optional: most questions are about the whole statement).
  const lines = useInfiniteQuery({
    queryKey: ['portal', 'payouts', payout.id, 'lines'],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/v1/portal/payouts/{id}/lines', { params: { path: { id: payout.id }, query: { limit: LINES_PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
  });
  const loadedLines = lines.data?.pages.flatMap((page) => page.data) ?? [];
  const lineOptions = loadedLines.map((l) => ({
    value: l.id,
    label: `${formatDate(l.earnedAt)} · ${kindLabel(l.kind)}${l.customer ? ` · ${l.customer}` : ''} · ${formatMoney(l.amount.amountMinor, l.amount.currency)}`,
  }));
  const [problem, setProblem] = React.useState<string | null>(null);
  const submit = useMutation({
    mutationFn: () => {
      const expectedMinor = expected.trim() ? decimalToMinor(expected, currency) : null;
      if (expected.trim() && expectedMinor === null) {
        setErrors({ expectedAmount: `Enter an amount in ${currency} with at most ${currencyDigits(currency)} decimals, e.g. 25.00` });
        throw new Error('expectedAmount');
      }
      return unwrap(
        api.POST('/api/v1/portal/payouts/{id}/disputes', {
          params: { path: { id: payout.id } },
          body: { reason, message, ...(entryId ? { entryId } : {}), ...(expectedMinor ? { expectedAmount: { amountMinor: expectedMinor, currency } } : {}) },
        }),
      );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: myDisputesKey });
      toast({ title: 'Dispute sent', description: 'The finance team answers under Disputes on this page.' });
      setMessage('');
      setExpected('');
      setEntryId('');
      setErrors({});
      setProblem(null);
      onOpenChange(false);
    },
    onError: (error) => {
      if (error instanceof Error && error.message === 'expectedAmount') return;
      handleProblem(error, { setFieldErrors: setErrors, fields: ['reason', 'message', 'expectedAmount', 'entryId'], mapPath: (p) => (p.startsWith('expectedAmount') ? 'expectedAmount' : p), onMessage: setProblem });
    },
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title={`Dispute statement ${payout.statementNumber}`} description="Tell the finance team what is missing or wrong. They answer here, and correct the next payout when money is owed.">
        <form
          className="grid gap-4"
          noValidate
          onSubmit={(ev) => {
            ev.preventDefault();
            submit.mutate();
          }}
        >
          {problem ? <InlineAlert message={problem} /> : null}
          <FormField label="What is it about?" error={errors.reason} required>
            <NativeSelect value={reason} onChange={(ev) => setReason(ev.target.value as Reason)} options={REASON_OPTIONS} />
          </FormField>
          <FormField
            label="Which line?"
            optional
            error={errors.entryId}
            hint={
              lines.hasNextPage ? (
                <>
                  The latest {loadedLines.length} lines of this statement.{' '}
                  <Button type="button" variant="link" size="sm" className="h-auto" disabled={lines.isFetchingNextPage} onClick={() => void lines.fetchNextPage()}>
                    {lines.isFetchingNextPage ? 'Loading…' : 'Show older lines'}
                  </Button>
                </>
              ) : undefined
            }
          >
            <NativeSelect
              value={entryId}
              onChange={(ev) => setEntryId(ev.target.value)}
              placeholder={lines.isPending ? 'Loading the statement’s lines…' : 'The whole statement'}
              options={lineOptions}
              aria-label="Which line of the statement"
            />
          </FormField>
          <FormField label="Details" error={errors.message} required hint="Which customer, deal or month, and what you expected.">
            <Textarea value={message} onChange={(ev) => setMessage(ev.target.value)} rows={4} placeholder="e.g. The Globex renewal from October is not on this statement." />
          </FormField>
          <FormField label={`Amount you expected (${currency})`} optional error={errors.expectedAmount}>
            <Input value={expected} onChange={(ev) => setExpected(ev.target.value)} inputMode="decimal" placeholder="25.00" />
          </FormField>
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={submit.isPending}>
              Send dispute
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The partner's disputes with the finance team's answers. Hidden until there is one. */
export function MyDisputes() {
  const disputes = useQuery({ queryKey: myDisputesKey, queryFn: () => unwrap(api.GET('/api/v1/portal/payout-disputes', { params: { query: { limit: 50 } } })) });
  const rows = disputes.data?.data ?? [];
  if (rows.length === 0) return null;
  return (
    <Card>
      <CardHeader title="Disputes" description="Your questions about statements and what the finance team decided." />
      <CardBody className="p-0">
        <ul className="divide-y divide-slate-100" aria-label="My disputes">
          {rows.map((d) => (
            <li key={d.id} className="grid gap-1.5 px-5 py-4">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p className="text-sm font-medium text-slate-900">
                  Statement {d.statementNumber}
                  {d.entryId ? ' (one line)' : ''} · {DISPUTE_REASON[d.reason]}
                </p>
                <Badge tone={DISPUTE_STATUS[d.status].tone} dot>
                  {d.status === 'open' ? 'Waiting for an answer' : DISPUTE_STATUS[d.status].label}
                </Badge>
              </div>
              <p className="text-sm whitespace-pre-line text-slate-600">{d.message}</p>
              <p className="text-xs text-slate-500">
                Sent {formatDate(d.createdAt)}
                {d.expectedAmount ? (
                  <>
                    {' '}
                    · expected <Money amountMinor={d.expectedAmount.amountMinor} currency={d.expectedAmount.currency} />
                  </>
                ) : null}
              </p>
              {d.resolution ? (
                <div className="mt-1 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">
                  <span className="font-medium">Answer{d.resolvedAt ? ` (${formatDate(d.resolvedAt)})` : ''}:</span> {d.resolution}
                  {d.adjustment ? (
                    <span className="block text-xs text-slate-500">
                      <Money amountMinor={d.adjustment.amountMinor} currency={d.adjustment.currency} /> added to your next payout.
                    </span>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </CardBody>
    </Card>
  );
}
