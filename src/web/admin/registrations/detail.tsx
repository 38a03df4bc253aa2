import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import {
  AlertTriangle,
  ArrowRight,
  Check,
  Globe,
  MessageSquareMore,
  Scale,
  ShieldCheck,
  X,
} from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import { membersQuery } from '../../api/queries';
import type { RegistrationConflict, RegistrationDetail } from '../../api/types';
import { cn } from '../../lib/cn';
import { formValues, useFieldErrors } from '../../lib/forms';
import { CONFLICT_STATUSES, labelOf, REGISTRATION_STATUSES, registrationStatusTone } from '../../lib/labels';
import { useCan } from '../../lib/permissions';
import { RecordPageStatus } from '../../shared/screens';
import { Badge, BadgeList } from '../../ui/badge';
import { InlineAlert } from '../../ui/inline-alert';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { ProtectionChip, SlaChip } from '../../ui/countdown';
import { Dialog, DialogContent, DialogFooter } from '../../ui/dialog';
import { FormField } from '../../ui/form-field';
import { countryName, formatDate, formatDateTime, formatRelative } from '../../ui/format';
import { Textarea } from '../../ui/input';
import { MoneyValue } from '../../ui/money';
import { Select } from '../../ui/select';
import { PageHeader } from '../../ui/page-header';
import { toast } from '../../ui/toast';
import { slaWindowHours } from './list';

const registrationApi = getRouteApi('/app/console/registrations/$registrationId');
const OPEN = ['submitted', 'info_requested'];
const CHANNELS: Record<string, string> = {
  portal: 'Partner portal',
  public_link: 'Public registration link',
  api: 'API / console',
  email: 'Email',
};

const eyebrow = (
  <Link to="/app/registrations" className="hover:text-slate-700 hover:underline">
    Registrations
  </Link>
);

export function RegistrationPage() {
  const { registrationId } = registrationApi.useParams();
  const registration = useQuery({
    queryKey: ['registration', registrationId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/registrations/{id}', { params: { path: { id: registrationId } } })),
  });

  if (registration.isPending || registration.isError) return <RecordPageStatus query={registration} eyebrow={eyebrow} title="Registration" lines={6} />;
  const data = registration.data;
  const open = OPEN.includes(data.status);
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={data.accountName}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={registrationStatusTone(data.status)} dot>
              {labelOf(REGISTRATION_STATUSES, data.status)}
            </Badge>
            {open ? (
              <SlaChip dueAt={data.slaDueAt} windowHours={slaWindowHours(data)} breached={Boolean(data.slaBreachedAt)} />
            ) : null}
            {data.status === 'approved' && data.protectionEndsAt ? <ProtectionChip endsAt={data.protectionEndsAt} /> : null}
            <span>
              Registered by <span className="font-medium text-slate-700">{data.partnerName}</span> in {data.programName}
            </span>
          </span>
        }
        actions={
          data.dealId ? (
            <Button asChild variant="secondary">
              <Link to="/app/pipeline/$dealId" params={{ dealId: data.dealId }}>
                Open deal
                <ArrowRight aria-hidden />
              </Link>
            </Button>
          ) : null
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_360px]">
        <div className="grid content-start gap-6">
          {data.conflicts.length > 0 ? <ConflictPanel registration={data} /> : null}
          <Submitted registration={data} />
        </div>
        <div className="grid content-start gap-6">
          <Decision registration={data} />
          {data.status === 'approved' || data.protectionEndsAt ? <Protection registration={data} /> : null}
          <History registration={data} />
        </div>
      </div>
    </>
  );
}

function Submitted({ registration: r }: { registration: RegistrationDetail }) {
  const custom = Object.entries(r.customFields ?? {});
  const policy = useQuery({
    queryKey: ['program', r.programId, 'registration-policy'],
    queryFn: () =>
      unwrap(api.GET('/api/v1/programs/{id}/registration-policy', { params: { path: { id: r.programId } } })),
    enabled: custom.length > 0,
  });
  const customLabels = Object.fromEntries((policy.data?.customFields ?? []).map((field) => [field.key, field.label]));
  const rows: [string, React.ReactNode][] = [
    ['Account', r.accountName],
    [
      'Domain',
      r.accountDomain ? (
        <span key="domain" className="inline-flex items-center gap-1.5">
          <Globe className="size-3.5 text-slate-400" aria-hidden />
          {r.accountDomain}
        </span>
      ) : (
        '—'
      ),
    ],
    ['Country', countryName(r.accountCountry)],
    ['Contact', r.contactName ?? '—'],
    ['Contact email', r.contactEmail ?? '—'],
    ['Contact phone', r.contactPhone ?? '—'],
    ['Estimated amount', r.amount ? <MoneyValue key="amount" value={r.amount} className="font-medium" /> : '—'],
    ['Expected close', formatDate(r.expectedCloseDate)],
    ['Products', <BadgeList key="products" items={r.products} />],
    ...custom.map(([key, value]): [string, React.ReactNode] => [
      customLabels?.[key] ?? key,
      value === null || value === undefined || value === '' ? '—' : String(value),
    ]),
    ['Channel', CHANNELS[r.channel] ?? r.channel],
    ['Submitted', formatDateTime(r.createdAt)],
  ];
  return (
    <Card>
      <CardHeader title="Submitted by the partner" />
      <CardBody className="py-2">
        <dl className="divide-y divide-slate-100">
          {rows.map(([label, value]) => (
            <div key={label} className="grid gap-1 py-3 sm:grid-cols-[180px_1fr] sm:gap-4">
              <dt className="text-sm text-slate-500">{label}</dt>
              <dd className="min-w-0 text-sm text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
        {r.notes ? (
          <div className="border-t border-slate-100 py-3">
            <p className="mb-1 text-sm text-slate-500">Notes</p>
            <p className="text-sm whitespace-pre-wrap text-slate-800">{r.notes}</p>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function ConflictPanel({ registration }: { registration: RegistrationDetail }) {
  const open = registration.conflicts.filter((item) => item.status !== 'resolved').length;
  return (
    <Card className="border-amber-300 ring-1 ring-amber-200">
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            <AlertTriangle className="size-4 text-amber-600" aria-hidden />
            {registration.conflicts.length === 1
              ? 'Conflicts with another claim'
              : `Conflicts with ${registration.conflicts.length} other claims`}
          </span>
        }
        description={
          open > 0
            ? 'The same customer is already claimed. The recommendation applies the program’s rules of engagement.'
            : 'Every conflict on this registration is resolved.'
        }
      />
      <ul className="divide-y divide-slate-100">
        {registration.conflicts.map((conflict) => (
          <li key={conflict.id}>
            <ConflictItem conflict={conflict} registration={registration} />
          </li>
        ))}
      </ul>
    </Card>
  );
}

const OTHER_KIND: Record<string, string> = {
  registration: 'Registration',
  deal: 'Open deal',
  incumbent: 'Incumbent partner',
};

function ConflictItem({ conflict, registration }: { conflict: RegistrationConflict; registration: RegistrationDetail }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [resolving, setResolving] = React.useState(false);
  const wins = conflict.recommendation.winner === 'registration';
  const similarity = conflict.similarity == null ? null : Math.round(conflict.similarity * 100);
  const escalate = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/conflicts/{id}/escalate', { params: { path: { id: conflict.id } }, body: {} })),
    onSuccess: () => {
      toast({ title: 'Conflict escalated' });
      void queryClient.invalidateQueries({ queryKey: ['registration', registration.id] });
    },
    onError: (error) => handleProblem(error),
  });

  return (
    <div className="grid gap-4 px-5 py-4">
      <div className="flex items-start justify-between gap-3">
        <div className="grid min-w-0 flex-1 gap-1">
          <p className="text-sm font-medium text-slate-900">
            {OTHER_KIND[conflict.otherKind] ?? conflict.otherKind}
            {conflict.other.partnerName ? (
              <>
                {' '}
                by <span className="font-semibold">{conflict.other.partnerName}</span>
              </>
            ) : conflict.otherKind === 'deal' ? (
              ' (direct)'
            ) : null}
          </p>
          <p className="flex flex-wrap items-center gap-1.5 text-[13px] text-slate-500">
            {conflict.other.status ? <Badge tone="muted">{conflict.other.status.replaceAll('_', ' ')}</Badge> : null}
            <span>
              {conflict.matchKind === 'domain'
                ? `Same domain${registration.accountDomain ? ` (${registration.accountDomain})` : ''}`
                : `Similar company name${similarity !== null ? ` · ${similarity} % match` : ''}`}
            </span>
            {conflict.other.accountName ? <span>· {conflict.other.name ?? conflict.other.accountName}</span> : null}
            {conflict.other.amount ? (
              <span>
                · <MoneyValue value={conflict.other.amount} />
              </span>
            ) : null}
            {conflict.other.createdAt ? <span>· claimed {formatRelative(conflict.other.createdAt)}</span> : null}
          </p>
        </div>
        <Badge tone={conflict.status === 'resolved' ? 'success' : conflict.status === 'escalated' ? 'danger' : 'warning'}>
          {labelOf(CONFLICT_STATUSES, conflict.status)}
        </Badge>
      </div>

      <div className={cn('rounded-lg border px-4 py-3', wins ? 'border-emerald-200 bg-emerald-50/60' : 'border-amber-200 bg-amber-50/60')}>
        <p className="flex items-center gap-2 text-sm font-semibold text-slate-900">
          <Scale className={cn('size-4', wins ? 'text-emerald-600' : 'text-amber-600')} aria-hidden />
          Recommendation: {wins ? `${registration.partnerName} keeps this customer` : 'the existing claim keeps this customer'}
        </p>
        <ol className="mt-2 grid list-decimal gap-1 pl-9 text-sm text-slate-700">
          {conflict.recommendation.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ol>
      </div>

      <div className="flex flex-wrap items-center justify-between gap-3 text-[13px] text-slate-500">
        <span className="flex flex-wrap items-center gap-1.5">
          Owner:{' '}
          {conflict.status !== 'resolved' && can('registrations:review') ? (
            <ConflictOwnerSelect conflict={conflict} registrationId={registration.id} />
          ) : (
            <span className="text-slate-700">{conflict.ownerName ?? 'Unassigned'}</span>
          )}
          {conflict.escalatedAt ? ` · escalated ${formatRelative(conflict.escalatedAt)}` : null}
          {conflict.resolution ? (
            <>
              {' '}
              · resolved: <span className="text-slate-700">{conflict.resolution}</span>
            </>
          ) : null}
        </span>
        {conflict.status !== 'resolved' && can('registrations:review') ? (
          <span className="flex gap-2">
            {conflict.status === 'open' ? (
              <Button variant="secondary" size="sm" loading={escalate.isPending} onClick={() => escalate.mutate()}>
                Escalate
              </Button>
            ) : null}
            <Button variant="secondary" size="sm" onClick={() => setResolving(true)}>
              Resolve
            </Button>
          </span>
        ) : null}
      </div>
      <ResolveDialog conflict={conflict} registrationId={registration.id} open={resolving} onOpenChange={setResolving} />
    </div>
  );
}

const UNASSIGNED = '__unassigned__';

/** Hands the conflict to another member (PATCH /conflicts/{id}); audited on the server. */
function ConflictOwnerSelect({ conflict, registrationId }: { conflict: RegistrationConflict; registrationId: string }) {
  const queryClient = useQueryClient();
  const members = useQuery(membersQuery);
  const change = useMutation({
    mutationFn: (ownerMemberId: string | null) =>
      unwrap(api.PATCH('/api/v1/conflicts/{id}', { params: { path: { id: conflict.id } }, body: { ownerMemberId } })),
    onSuccess: (saved) => {
      toast({ title: saved.ownerName ? `Conflict handed to ${saved.ownerName}` : 'Conflict unassigned' });
      void queryClient.invalidateQueries({ queryKey: ['registration', registrationId] });
    },
    onError: (error) => handleProblem(error, { title: 'Could not change the owner' }),
  });
  if (members.isError) return <span className="text-slate-700">{conflict.ownerName ?? 'Unassigned'}</span>;
  const options = [
    { value: UNASSIGNED, label: 'Unassigned' },
    ...(members.data?.data ?? []).map((member) => ({ value: member.id, label: member.name })),
  ];
  // The current owner stays selectable while the member list loads.
  if (conflict.ownerMemberId && !options.some((o) => o.value === conflict.ownerMemberId)) {
    options.push({ value: conflict.ownerMemberId, label: conflict.ownerName ?? 'Current owner' });
  }
  return (
    <Select
      size="sm"
      label="Conflict owner"
      value={conflict.ownerMemberId ?? UNASSIGNED}
      options={options}
      disabled={change.isPending}
      onValueChange={(value) => change.mutate(value === UNASSIGNED ? null : value)}
      className="w-48"
    />
  );
}

function ResolveDialog({
  conflict,
  registrationId,
  open,
  onOpenChange,
}: {
  conflict: RegistrationConflict;
  registrationId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const resolve = useMutation({
    mutationFn: (resolution: string) =>
      unwrap(
        api.POST('/api/v1/conflicts/{id}/resolve', { params: { path: { id: conflict.id } }, body: { resolution } }),
      ),
    onSuccess: () => {
      toast({ title: 'Conflict resolved' });
      onOpenChange(false);
      void queryClient.invalidateQueries({ queryKey: ['registration', registrationId] });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['resolution'] }),
  });
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Resolve conflict" description="Record how the claim was settled. Partners do not see this.">
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const { resolution = '' } = formValues(event.currentTarget);
            if (!resolution) return setErrors({ resolution: 'Resolution is required.' });
            resolve.mutate(resolution);
          }}
        >
          <FormField label="Resolution" error={errors.resolution} required>
            <Textarea name="resolution" rows={3} placeholder="Kept with the first registrant; the other partner is credited as influencer." />
          </FormField>
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={resolve.isPending}>
              Resolve
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

type DecisionKind = 'reject' | 'request-info';

function Decision({ registration: r }: { registration: RegistrationDetail }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const [message, setMessage] = React.useState<string | null>(null);
  const [dialog, setDialog] = React.useState<DecisionKind | null>(null);
  const open = OPEN.includes(r.status);
  const allowed = r.allowedActions;
  const decider = [...r.decisions].reverse().find((item) => item.actorName)?.actorName ?? null;
  const onDone = (title: string) => {
    setMessage(null);
    setDialog(null);
    toast({ title });
    void queryClient.invalidateQueries({ queryKey: ['registration', r.id] });
    void queryClient.invalidateQueries({ queryKey: ['registrations'] });
    void queryClient.invalidateQueries({ queryKey: ['deals'] });
  };
  const approve = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/registrations/{id}/approve', { params: { path: { id: r.id } }, body: {} })),
    onSuccess: () => onDone('Registration approved'),
    onError: (error) => handleProblem(error, { onMessage: setMessage }),
  });

  return (
    <Card>
      <CardHeader title="Decision" />
      <CardBody className="grid gap-4">
        {open ? (
          <>
            <p className="text-sm text-slate-600">
              {r.status === 'info_requested'
                ? 'Waiting for the partner’s answer. You can still decide now.'
                : 'Approving starts the partner’s protection window and creates or links the deal.'}
            </p>
            {r.reviewerName ? (
              <p className="text-[13px] text-slate-500">
                Routed to <span className="font-medium text-slate-700">{r.reviewerName}</span>
              </p>
            ) : null}
            {message ? <InlineAlert message={message} /> : null}
            {can('registrations:review') ? (
              <div className="grid gap-2">
                <Button loading={approve.isPending} disabled={!allowed.includes('approve')} onClick={() => approve.mutate()}>
                  <Check aria-hidden />
                  Approve
                </Button>
                <div className="grid grid-cols-2 gap-2">
                  <Button
                    variant="secondary"
                    disabled={!allowed.includes('request-info')}
                    onClick={() => setDialog('request-info')}
                  >
                    <MessageSquareMore aria-hidden />
                    Request info
                  </Button>
                  <Button
                    variant="destructive-ghost"
                    className="border border-red-200"
                    disabled={!allowed.includes('reject')}
                    onClick={() => setDialog('reject')}
                  >
                    <X aria-hidden />
                    Reject
                  </Button>
                </div>
              </div>
            ) : (
              <p className="text-sm text-slate-500">You can see this registration but not decide on it.</p>
            )}
          </>
        ) : (
          <dl className="grid gap-3 text-sm">
            <div>
              <dt className="text-slate-500">Outcome</dt>
              <dd className="mt-0.5">
                <Badge tone={registrationStatusTone(r.status)} dot>
                  {labelOf(REGISTRATION_STATUSES, r.status)}
                </Badge>
              </dd>
            </div>
            {r.decidedAt ? (
              <div>
                <dt className="text-slate-500">Decided</dt>
                <dd className="mt-0.5 text-slate-900">
                  {formatDateTime(r.decidedAt)}
                  {decider ? ` by ${decider}` : ''}
                </dd>
              </div>
            ) : null}
            {r.decisionReason ? (
              <div>
                <dt className="text-slate-500">Reason</dt>
                <dd className="mt-0.5 whitespace-pre-wrap text-slate-900">{r.decisionReason}</dd>
              </div>
            ) : null}
          </dl>
        )}
      </CardBody>
      <DecisionDialog
        kind={dialog}
        registrationId={r.id}
        onOpenChange={(value) => !value && setDialog(null)}
        onDone={onDone}
      />
    </Card>
  );
}

function DecisionDialog({
  kind,
  registrationId,
  onOpenChange,
  onDone,
}: {
  kind: DecisionKind | null;
  registrationId: string;
  onOpenChange: (open: boolean) => void;
  onDone: (title: string) => void;
}) {
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const field = kind === 'reject' ? 'reason' : 'message';
  const decide = useMutation({
    mutationFn: (text: string) =>
      kind === 'reject'
        ? unwrap(
            api.POST('/api/v1/registrations/{id}/reject', {
              params: { path: { id: registrationId } },
              body: { reason: text },
            }),
          )
        : unwrap(
            api.POST('/api/v1/registrations/{id}/request-info', {
              params: { path: { id: registrationId } },
              body: { message: text },
            }),
          ),
    onSuccess: () => onDone(kind === 'reject' ? 'Registration rejected' : 'Information requested'),
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: [field], onMessage: setMessage }),
  });
  return (
    <Dialog
      open={kind !== null}
      onOpenChange={(value) => {
        setErrors({});
        setMessage(null);
        onOpenChange(value);
      }}
    >
      <DialogContent
        title={kind === 'reject' ? 'Reject registration' : 'Request information'}
        description={
          kind === 'reject'
            ? 'The partner sees this reason in the portal.'
            : 'The partner is asked to answer in the portal. The SLA keeps running.'
        }
      >
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const text = formValues(event.currentTarget)[field] ?? '';
            if (!text) return setErrors({ [field]: `${kind === 'reject' ? 'A reason' : 'A message'} is required.` });
            decide.mutate(text);
          }}
        >
          <div className="grid gap-4">
            {message ? <InlineAlert message={message} /> : null}
            <FormField label={kind === 'reject' ? 'Reason' : 'Message to the partner'} error={errors[field]} required>
              <Textarea
                name={field}
                rows={4}
                placeholder={
                  kind === 'reject'
                    ? 'This customer is already in an active opportunity with our direct team.'
                    : 'Could you share the name of the economic buyer and the planned seat count?'
                }
              />
            </FormField>
          </div>
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" variant={kind === 'reject' ? 'destructive' : 'primary'} loading={decide.isPending}>
              {kind === 'reject' ? 'Reject' : 'Send request'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Protection({ registration: r }: { registration: RegistrationDetail }) {
  return (
    <Card>
      <CardHeader title="Protection" />
      <CardBody className="grid gap-3 text-sm">
        {r.protectionEndsAt ? (
          <>
            <div>
              <ProtectionChip endsAt={r.protectionEndsAt} />
            </div>
            <p className="flex items-start gap-2 text-slate-600">
              <ShieldCheck className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
              <span>
                {formatDate(r.protectionStartsAt)} – {formatDate(r.protectionEndsAt)}
                {r.extensionsUsed > 0 ? ` · ${r.extensionsUsed} extension${r.extensionsUsed === 1 ? '' : 's'} used` : ''}
              </span>
            </p>
          </>
        ) : (
          <p className="text-slate-500">No protection window.</p>
        )}
        {r.dealId ? (
          <Link
            to="/app/pipeline/$dealId"
            params={{ dealId: r.dealId }}
            className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"
          >
            View the deal
            <ArrowRight className="size-3.5" aria-hidden />
          </Link>
        ) : null}
      </CardBody>
    </Card>
  );
}

function Extensions({ registration: r }: { registration: RegistrationDetail }) {
  const can = useCan();
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: ({ id, approve }: { id: string; approve: boolean }) =>
      approve
        ? unwrap(api.POST('/api/v1/registration-extensions/{id}/approve', { params: { path: { id } }, body: {} }))
        : unwrap(api.POST('/api/v1/registration-extensions/{id}/reject', { params: { path: { id } }, body: {} })),
    onSuccess: (_data, variables) => {
      toast({ title: variables.approve ? 'Extension granted' : 'Extension refused' });
      void queryClient.invalidateQueries({ queryKey: ['registration', r.id] });
    },
    onError: (error) => handleProblem(error),
  });
  if (r.extensions.length === 0) return null;
  return (
    <ul className="grid gap-3">
      {r.extensions.map((extension) => (
        <li key={extension.id} className="grid gap-2 rounded-lg border border-slate-200 px-3 py-2.5 text-sm">
          <div className="flex items-center justify-between gap-2">
            <span className="font-medium text-slate-900">+{extension.days} days</span>
            <Badge
              tone={extension.status === 'approved' ? 'success' : extension.status === 'rejected' ? 'danger' : 'warning'}
            >
              {extension.status === 'requested' ? 'Requested' : extension.status === 'approved' ? 'Granted' : 'Refused'}
            </Badge>
          </div>
          {extension.reason ? <p className="text-[13px] text-slate-600">{extension.reason}</p> : null}
          <p className="text-xs text-slate-500">Asked {formatRelative(extension.createdAt)}</p>
          {extension.status === 'requested' && can('registrations:review') ? (
            <div className="flex gap-2">
              <Button
                size="sm"
                loading={decide.isPending && decide.variables?.id === extension.id && decide.variables.approve}
                onClick={() => decide.mutate({ id: extension.id, approve: true })}
              >
                Grant
              </Button>
              <Button
                size="sm"
                variant="secondary"
                loading={decide.isPending && decide.variables?.id === extension.id && !decide.variables.approve}
                onClick={() => decide.mutate({ id: extension.id, approve: false })}
              >
                Refuse
              </Button>
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function History({ registration: r }: { registration: RegistrationDetail }) {
  return (
    <Card>
      <CardHeader title="History" />
      <CardBody className="grid gap-4">
        <Extensions registration={r} />
        {r.decisions.length === 0 ? (
          <p className="text-sm text-slate-500">Submitted {formatRelative(r.createdAt)}. No decision yet.</p>
        ) : (
          <ol className="grid gap-3">
            {r.decisions.map((entry) => (
              <li key={`${entry.action}-${entry.at}`} className="flex gap-3 text-sm">
                <span className="mt-1.5 size-2 shrink-0 rounded-full bg-brand-400" aria-hidden />
                <div className="min-w-0">
                  <p className="text-slate-800">
                    <span className="font-medium">{entry.actorName ?? (entry.actorType === 'partner_user' ? r.partnerName : 'System')}</span>{' '}
                    <span className="text-slate-600">{entry.action.replace(/^registration\./, '').replaceAll('_', ' ').replaceAll('.', ' ')}</span>
                  </p>
                  <p className="text-xs text-slate-500" title={formatDateTime(entry.at)}>
                    {formatRelative(entry.at)}
                  </p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </CardBody>
    </Card>
  );
}
