import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Link2Off } from 'lucide-react';
import * as React from 'react';
import { api } from '../api/client';
import { handleProblem, isStatus, unwrap } from '../api/problem';
import { CREDIT_ROLES, labelOf } from '../lib/labels';
import { sharedDate, sharedText } from '../portal/deals/shared';
import { LogoMark } from '../shared/brand';
import { QueryError } from '../shared/screens';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { EmptyState } from '../ui/empty-state';
import { FormField } from '../ui/form-field';
import { Textarea } from '../ui/input';
import { LoadingBlock } from '../ui/skeleton';
import { toast } from '../ui/toast';

const sharedApi = getRouteApi('/shared/deals/$token');

/** One deal shared with a partner by a time-bound signed link: view it, update the next step. */
export function SharedDealPage() {
  const { token } = sharedApi.useParams();
  const queryClient = useQueryClient();
  const [errors, setErrors] = React.useState<Record<string, string>>({});
  const deal = useQuery({
    queryKey: ['shared-deal', token],
    queryFn: () => unwrap(api.GET('/api/v1/shared/deals/{token}', { params: { path: { token } } })),
    retry: false,
  });
  const update = useMutation({
    mutationFn: (nextStep: string) =>
      unwrap(api.PATCH('/api/v1/shared/deals/{token}', { params: { path: { token } }, body: { nextStep } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['shared-deal', token], saved);
      toast({ title: 'Next step saved' });
      setErrors({});
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['nextStep'] }),
  });
  const d = deal.data;
  const facts: [string, string | null][] = d
    ? [
        ['Customer', sharedText(d.accountName)],
        ['Amount', sharedText(d.amount)],
        ['Expected close', sharedDate(d.closeDate)],
        ['Your role', labelOf(CREDIT_ROLES, d.role)],
      ]
    : [];
  return (
    <div className="min-h-dvh bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-2xl items-center gap-3 px-4 sm:px-6">
          <LogoMark className="size-7 shrink-0" />
          <span className="text-sm font-semibold text-slate-900">Shared deal</span>
        </div>
      </header>
      <main className="mx-auto w-full max-w-2xl px-4 py-6 sm:px-6 sm:py-10">
        {deal.isPending ? (
          <Card className="p-6">
            <LoadingBlock lines={6} />
          </Card>
        ) : deal.isError ? (
          isStatus(deal.error, 404) ? (
            <Card>
              <EmptyState
                icon={Link2Off}
                title="This link has expired"
                description="Shared deal links work for a limited time. Ask your partner manager for a new one, or sign in to the partner portal."
              />
            </Card>
          ) : (
            <QueryError error={deal.error} retry={() => void deal.refetch()} />
          )
        ) : d ? (
          <Card>
            <CardHeader
              title={<span className="text-base">{d.name}</span>}
              actions={
                <Badge tone={d.stage.kind === 'won' ? 'success' : d.stage.kind === 'lost' ? 'muted' : 'brand'} dot>
                  {d.stage.name}
                </Badge>
              }
            />
            <CardBody className="grid gap-5">
              <dl className="grid grid-cols-2 gap-x-6 gap-y-3">
                {facts
                  .filter(([, value]) => value)
                  .map(([label, value]) => (
                    <div key={label}>
                      <dt className="text-[13px] text-slate-500">{label}</dt>
                      <dd className="text-sm text-slate-900">{value}</dd>
                    </div>
                  ))}
              </dl>
              <form
                noValidate
                className="grid gap-3 border-t border-slate-100 pt-4"
                onSubmit={(event) => {
                  event.preventDefault();
                  update.mutate(String(new FormData(event.currentTarget).get('nextStep') ?? '').trim());
                }}
              >
                <FormField label="Next step" error={errors.nextStep} hint="Your partner manager sees the update right away.">
                  <Textarea name="nextStep" rows={3} defaultValue={d.nextStep ?? ''} key={d.nextStep ?? ''} />
                </FormField>
                <div>
                  <Button type="submit" loading={update.isPending}>
                    Save next step
                  </Button>
                </div>
              </form>
            </CardBody>
          </Card>
        ) : null}
      </main>
    </div>
  );
}
