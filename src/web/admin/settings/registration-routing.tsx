import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Plus, Route, Trash2 } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import { membersQuery, programsQuery } from '../../api/queries';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { currencyOptions } from '../../lib/regions';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { Card, CardBody } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { currencyDigits, decimalToMinor, minorToDecimalString } from '../../ui/format';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type RoutingRule = components['schemas']['RoutingRule'];
interface Draft {
  key: string;
  programId: string;
  countries: string;
  min: string;
  max: string;
  currency: string;
  reviewerMemberId: string;
}
let seed = 0;

function toDraft(rule: RoutingRule): Draft {
  const digits = currencyDigits(rule.currency ?? 'USD');
  return {
    key: `rule-${++seed}`,
    programId: rule.programId ?? '',
    countries: rule.countries.join(', '),
    min: rule.minAmountMinor ? minorToDecimalString(rule.minAmountMinor, digits) : '',
    max: rule.maxAmountMinor ? minorToDecimalString(rule.maxAmountMinor, digits) : '',
    currency: rule.currency ?? '',
    reviewerMemberId: rule.reviewerMemberId,
  };
}

/** Settings › Registration routing: the ordered rules that pick a registration's reviewer. */
export function RegistrationRoutingPage() {
  const rules = useQuery({
    queryKey: ['registration-routing-rules'],
    queryFn: () => unwrap(api.GET('/api/v1/registration-routing-rules')),
  });
  return (
    <>
      <PageHeader
        title="Registration routing"
        description="Who reviews a new registration. The first rule that matches the program, the customer’s country and the amount picks the reviewer; without a match, the partner’s manager reviews it."
      />
      {rules.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={5} />
        </Card>
      ) : rules.isError ? (
        <QueryError error={rules.error} retry={() => void rules.refetch()} />
      ) : (
        <RoutingEditor rules={rules.data.data} key={rules.dataUpdatedAt} />
      )}
    </>
  );
}

function RoutingEditor({ rules }: { rules: RoutingRule[] }) {
  const canEdit = useCan()('registrations:configure');
  const queryClient = useQueryClient();
  const programs = useQuery(programsQuery());
  const members = useQuery(membersQuery);
  const [drafts, setDrafts] = React.useState<Draft[]>(() => rules.map(toDraft));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT('/api/v1/registration-routing-rules', {
          body: {
            rules: drafts.map((draft) => {
              const currency = draft.currency || null;
              const amount = (text: string) => (text ? (decimalToMinor(text, currency ?? 'USD') ?? text) : null);
              return {
                programId: draft.programId || null,
                countries: draft.countries
                  .split(',')
                  .map((code) => code.trim().toUpperCase())
                  .filter(Boolean),
                minAmountMinor: amount(draft.min),
                maxAmountMinor: amount(draft.max),
                currency,
                reviewerMemberId: draft.reviewerMemberId,
              };
            }),
          },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['registration-routing-rules'], saved);
      toast({ title: 'Routing saved' });
      setErrors({});
      setMessage(null);
    },
    onError: (error) =>
      handleProblem(error, {
        setFieldErrors: setErrors,
        mapPath: (path) => path.replace(/^\/+/, '').replaceAll('/', '.'),
        onMessage: setMessage,
      }),
  });
  const update = (key: string, patch: Partial<Draft>) =>
    setDrafts((current) => current.map((draft) => (draft.key === key ? { ...draft, ...patch } : draft)));
  const move = (index: number, by: number) =>
    setDrafts((current) => {
      const next = [...current];
      const [item] = next.splice(index, 1);
      if (item) next.splice(index + by, 0, item);
      return next;
    });
  const err = (index: number, field: string) => errors[`rules.${index}.${field}`];
  const memberOptions = (members.data?.data ?? []).map((member) => ({ value: member.id, label: member.name || member.email }));

  return (
    <div className="grid gap-4">
      {drafts.length === 0 ? (
        <Card>
          <EmptyState
            icon={Route}
            title="No routing rules"
            description="Every registration goes to the partner’s manager. Add a rule to send, say, large deals or one region to a specific reviewer."
          />
        </Card>
      ) : (
        <ol className="grid gap-3">
          {drafts.map((draft, index) => (
            <li key={draft.key}>
              <Card>
                <CardBody className="grid gap-4">
                  <div className="flex items-center justify-between gap-2">
                    <span className="text-sm font-semibold text-slate-900">Rule {index + 1}</span>
                    {canEdit ? (
                      <span className="flex gap-1">
                        <Button variant="ghost" size="icon-sm" aria-label={`Move rule ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                          <ArrowUp aria-hidden />
                        </Button>
                        <Button
                          variant="ghost"
                          size="icon-sm"
                          aria-label={`Move rule ${index + 1} down`}
                          disabled={index === drafts.length - 1}
                          onClick={() => move(index, 1)}
                        >
                          <ArrowDown aria-hidden />
                        </Button>
                        <Button
                          variant="ghost"
                          size="icon-sm"
                          aria-label={`Remove rule ${index + 1}`}
                          onClick={() => setDrafts((current) => current.filter((item) => item.key !== draft.key))}
                        >
                          <Trash2 aria-hidden />
                        </Button>
                      </span>
                    ) : null}
                  </div>
                  <fieldset disabled={!canEdit} className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
                    <FormField label="Program" error={err(index, 'programId')}>
                      <NativeSelect
                        value={draft.programId}
                        onChange={(event) => update(draft.key, { programId: event.target.value })}
                        placeholder="Any program"
                        options={(programs.data?.data ?? []).map((program) => ({ value: program.id, label: program.name }))}
                      />
                    </FormField>
                    <FormField label="Customer countries" error={err(index, 'countries')} hint="ISO codes, e.g. DE, AT, CH. Empty: any.">
                      <Input value={draft.countries} onChange={(event) => update(draft.key, { countries: event.target.value })} />
                    </FormField>
                    <FormField label="Reviewer" error={err(index, 'reviewerMemberId')} required>
                      <NativeSelect
                        value={draft.reviewerMemberId}
                        onChange={(event) => update(draft.key, { reviewerMemberId: event.target.value })}
                        placeholder="Choose a teammate"
                        options={memberOptions}
                      />
                    </FormField>
                    <FormField label="Amount from" error={err(index, 'minAmountMinor')} optional>
                      <Input inputMode="decimal" value={draft.min} onChange={(event) => update(draft.key, { min: event.target.value })} />
                    </FormField>
                    <FormField label="Amount up to" error={err(index, 'maxAmountMinor')} optional>
                      <Input inputMode="decimal" value={draft.max} onChange={(event) => update(draft.key, { max: event.target.value })} />
                    </FormField>
                    <FormField label="Currency" error={err(index, 'currency')} hint="Needed with an amount range.">
                      <NativeSelect
                        value={draft.currency}
                        onChange={(event) => update(draft.key, { currency: event.target.value })}
                        placeholder="Any"
                        options={currencyOptions()}
                      />
                    </FormField>
                  </fieldset>
                </CardBody>
              </Card>
            </li>
          ))}
        </ol>
      )}
      {message ? <InlineAlert message={message} /> : null}
      {canEdit ? (
        <div className="flex flex-wrap justify-between gap-2">
          <Button
            variant="secondary"
            onClick={() =>
              setDrafts((current) => [
                ...current,
                { key: `rule-${++seed}`, programId: '', countries: '', min: '', max: '', currency: '', reviewerMemberId: '' },
              ])
            }
          >
            <Plus aria-hidden />
            Add rule
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()}>
            Save routing
          </Button>
        </div>
      ) : null}
    </div>
  );
}
