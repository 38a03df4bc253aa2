import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { BookOpen, CalendarPlus, MessageSquareReply, ShieldCheck } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { PortalRegistrationDetail } from '../../api/types';
import { formValues, useFieldErrors } from '../../lib/forms';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { formatDaysLeft, protectionUrgency } from '../../ui/countdown';
import { FormField } from '../../ui/form-field';
import { formatDate, formatDateTime } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Textarea } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { LoadingBlock, Skeleton } from '../../ui/skeleton';
import { toast } from '../../ui/toast';
import { cn } from '../../lib/cn';
import { ProtectionState, StatusBadge, sharedDate, sharedText } from './shared';

const registrationApi = getRouteApi('/portal/portal-shell/deals/registrations/$registrationId');

const eyebrow = (
  <Link to="/portal/deals" className="hover:text-slate-700 hover:underline">
    Deals
  </Link>
);

export function PortalRegistrationPage() {
  const { registrationId } = registrationApi.useParams();
  const registration = useQuery({
    queryKey: ['portal', 'registration', registrationId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/portal/registrations/{id}', { params: { path: { id: registrationId } } })),
  });
  if (registration.isPending)
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={<Skeleton className="h-7 w-56" />} />
        <Card className="p-6">
          <LoadingBlock lines={5} />
        </Card>
      </>
    );
  if (registration.isError)
    return (
      <>
        <PageHeader eyebrow={eyebrow} title="Registration" />
        <QueryError error={registration.error} retry={() => void registration.refetch()} />
      </>
    );
  const r = registration.data;
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={sharedText(r.accountName) ?? 'Registration'}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={r.status} />
            <ProtectionState status={r.status} protectionEndsAt={r.protectionEndsAt} />
            {r.programName ? <span>{r.programName}</span> : null}
          </span>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
        <div className="grid content-start gap-6">
          {r.status === 'info_requested' ? <AnswerCard registration={r} /> : null}
          {r.status === 'rejected' && r.decisionReason ? (
            <Card className="border-red-200">
              <CardHeader title="Why it was declined" />
              <CardBody>
                <p className="text-sm whitespace-pre-wrap text-slate-700">{r.decisionReason}</p>
              </CardBody>
            </Card>
          ) : null}
          <Details registration={r} />
        </div>
        <div className={cn('grid content-start gap-6', r.status === 'approved' && 'order-first lg:order-none')}>
          <ProtectionCard registration={r} />
        </div>
      </div>
    </>
  );
}

function Details({ registration: r }: { registration: PortalRegistrationDetail }) {
  const rows: [string, string | null][] = [
    ['Company', sharedText(r.accountName)],
    ['Website', sharedText(r.accountDomain)],
    ['Contact', sharedText(r.contactName)],
    ['Contact email', sharedText(r.contactEmail)],
    ['Contact phone', sharedText(r.contactPhone)],
    ['Estimated amount', sharedText(r.amount)],
    ['Expected close', sharedDate(r.expectedCloseDate)],
    ['Products', sharedText(r.products)],
    ['Registered', r.createdAt ? formatDateTime(r.createdAt) : null],
  ];
  const custom =
    r.customFields && typeof r.customFields === 'object' ? Object.entries(r.customFields as Record<string, unknown>) : [];
  const form = useQuery({
    queryKey: ['portal', 'registration-form', r.programId],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/portal/programs/{id}/registration-form', { params: { path: { id: r.programId ?? '' } } }),
      ),
    enabled: custom.length > 0 && Boolean(r.programId),
  });
  const labels = new Map((form.data?.customFields ?? []).map((field) => [field.key, field.label]));
  const notes = sharedText(r.notes);
  return (
    <Card>
      <CardHeader title="What you registered" />
      <CardBody className="py-2">
        <dl className="divide-y divide-slate-100">
          {[...rows, ...custom.map(([key, value]): [string, string | null] => [labels.get(key) ?? key, sharedText(value)])]
            .filter(([, value]) => value !== null)
            .map(([label, value]) => (
              <div key={label} className="grid gap-0.5 py-3 sm:grid-cols-[160px_1fr] sm:gap-4">
                <dt className="text-sm text-slate-500">{label}</dt>
                <dd className="min-w-0 text-sm break-words text-slate-900">{value}</dd>
              </div>
            ))}
        </dl>
        {notes ? (
          <div className="border-t border-slate-100 py-3">
            <p className="mb-1 text-sm text-slate-500">Notes</p>
            <p className="text-sm whitespace-pre-wrap text-slate-800">{notes}</p>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ProtectionCard({ registration: r }: { registration: PortalRegistrationDetail }) {
  const protectedNow = r.status === 'approved' && r.protectionEndsAt;
  const urgency = r.protectionEndsAt ? protectionUrgency(r.protectionEndsAt) : 'normal';
  const pending = r.extensions.find((item) => item.status === 'requested');
  return (
    <Card>
      <CardHeader title="Protection" />
      <CardBody className="grid gap-4">
        {protectedNow && r.protectionEndsAt ? (
          <div
            className={cn(
              'rounded-xl px-4 py-4',
              urgency === 'normal' ? 'bg-emerald-50 text-emerald-900' : urgency === 'soon' ? 'bg-amber-50 text-amber-900' : 'bg-red-50 text-red-900',
            )}
          >
            <p className="flex items-center gap-2 text-sm font-medium">
              <ShieldCheck className="size-4" aria-hidden />
              Protected
            </p>
            <p className="mt-1 text-2xl font-semibold tracking-tight tabular-nums">{formatDaysLeft(r.protectionEndsAt)}</p>
            <p className="mt-1 text-[13px] opacity-80">
              Until {formatDate(r.protectionEndsAt)}
              {r.protectionStartsAt ? ` · since ${formatDate(r.protectionStartsAt)}` : ''}
            </p>
          </div>
        ) : r.status === 'submitted' || r.status === 'info_requested' ? (
          <p className="text-sm text-slate-600">
            Your protection starts when the registration is approved.
            {r.slaDueAt ? ` We aim to decide by ${formatDateTime(r.slaDueAt)}.` : ''}
          </p>
        ) : (
          <p className="text-sm text-slate-600">This registration is not protected.</p>
        )}
        {r.extensions.length > 0 ? (
          <ul className="grid gap-2 text-[13px]">
            {r.extensions.map((extension) => (
              <li key={extension.id} className="flex items-center justify-between gap-2">
                <span className="text-slate-600">
                  {extension.days}-day extension · {formatDate(extension.createdAt)}
                </span>
                <Badge tone={extension.status === 'approved' ? 'success' : extension.status === 'rejected' ? 'danger' : 'warning'}>
                  {extension.status === 'requested' ? 'Waiting' : extension.status === 'approved' ? 'Granted' : 'Declined'}
                </Badge>
              </li>
            ))}
          </ul>
        ) : null}
        {protectedNow && !pending ? <ExtensionRequest registration={r} /> : null}
        {r.programId ? (
          <Link
            to="/portal/programs/$programId/rules"
            params={{ programId: r.programId }}
            className="inline-flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:underline"
          >
            <BookOpen className="size-4" aria-hidden />
            Rules of engagement
          </Link>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ExtensionRequest({ registration: r }: { registration: PortalRegistrationDetail }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = React.useState(false);
  const { errors, setErrors } = useFieldErrors();
  const [message, setMessage] = React.useState<string | null>(null);
  const request = useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST('/api/v1/portal/registrations/{id}/extensions', { params: { path: { id: r.id } }, body: { reason } }),
      ),
    onSuccess: () => {
      toast({ title: 'Extension requested' });
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['portal', 'registration', r.id] });
      void queryClient.invalidateQueries({ queryKey: ['portal', 'registrations'] });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['reason'], onMessage: setMessage }),
  });
  if (r.extensionsRemaining <= 0)
    return <p className="text-[13px] text-slate-500">No more extensions are available for this registration.</p>;
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <CalendarPlus aria-hidden />
        Request an extension
      </Button>
    );
  return (
    <form
      noValidate
      className="grid gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        const { reason = '' } = formValues(event.currentTarget);
        if (!reason) return setErrors({ reason: 'Tell us why you need more time.' });
        request.mutate(reason);
      }}
    >
      {message ? <InlineAlert message={message} /> : null}
      <FormField
        label="Why do you need more time?"
        error={errors.reason}
        hint={`${r.extensionsRemaining} extension${r.extensionsRemaining === 1 ? '' : 's'} left.`}
        required
      >
        <Textarea name="reason" rows={3} placeholder="Procurement moved the signature to next quarter." />
      </FormField>
      <div className="flex gap-2">
        <Button type="submit" loading={request.isPending}>
          Send request
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function AnswerCard({ registration: r }: { registration: PortalRegistrationDetail }) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const [message, setMessage] = React.useState<string | null>(null);
  const respond = useMutation({
    mutationFn: (text: string) =>
      unwrap(
        api.POST('/api/v1/portal/registrations/{id}/respond', {
          params: { path: { id: r.id } },
          body: { message: text, fields: {} },
        }),
      ),
    onSuccess: () => {
      toast({ title: 'Answer sent', description: 'Your registration is back in review.' });
      void queryClient.invalidateQueries({ queryKey: ['portal', 'registration', r.id] });
      void queryClient.invalidateQueries({ queryKey: ['portal', 'registrations'] });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['message'], onMessage: setMessage }),
  });
  return (
    <Card className="border-amber-300 ring-1 ring-amber-200">
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <MessageSquareReply className="size-4 text-amber-600" aria-hidden />
            We need a bit more information
          </span>
        }
      />
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const { answer = '' } = formValues(event.currentTarget);
          if (!answer) return setErrors({ message: 'Write your answer.' });
          respond.mutate(answer);
        }}
      >
        <CardBody className="grid gap-4">
          {r.decisionReason ? (
            <blockquote className="rounded-lg border-l-4 border-amber-300 bg-amber-50/70 px-4 py-3 text-sm whitespace-pre-wrap text-slate-800">
              {r.decisionReason}
            </blockquote>
          ) : null}
          {message ? <InlineAlert message={message} /> : null}
          <FormField label="Your answer" error={errors.message} required>
            <Textarea name="answer" rows={4} />
          </FormField>
          <div>
            <Button type="submit" loading={respond.isPending}>
              Send answer
            </Button>
          </div>
        </CardBody>
      </form>
    </Card>
  );
}
