import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { CircleCheck, Link2Off } from 'lucide-react';
import * as React from 'react';
import { api } from '../api/client';
import { isStatus, unwrap } from '../api/problem';
import { RegistrationFields } from '../portal/deals/register';
import { LogoMark } from '../shared/brand';
import { QueryError } from '../shared/screens';
import { Card } from '../ui/card';
import { EmptyState } from '../ui/empty-state';
import { LoadingBlock } from '../ui/skeleton';

const registerApi = getRouteApi('/register/$token');

/** A partner's no-login registration form (the link the vendor gave the partner). */
export function PublicRegisterPage() {
  const { token } = registerApi.useParams();
  const [receipt, setReceipt] = React.useState<{ accountName: string } | null>(null);
  const form = useQuery({
    queryKey: ['public', 'registration-form', token],
    queryFn: () => unwrap(api.GET('/api/v1/public/registration-forms/{token}', { params: { path: { token } } })),
    retry: false,
  });
  return (
    <div className="min-h-dvh bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-3xl items-center gap-3 px-4 sm:px-6">
          <LogoMark className="size-7 shrink-0" />
          <span className="min-w-0">
            <span className="block truncate text-sm font-semibold text-slate-900">
              {form.data?.vendorName ?? 'Deal registration'}
            </span>
            <span className="block truncate text-xs text-slate-500">
              {form.data ? `${form.data.programName} · for ${form.data.partnerName}` : 'Partner program'}
            </span>
          </span>
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl px-4 py-6 sm:px-6 sm:py-10">
        {form.isPending ? (
          <Card className="p-6">
            <LoadingBlock lines={8} />
          </Card>
        ) : form.isError ? (
          isStatus(form.error, 404) ? (
            <Card>
              <EmptyState
                icon={Link2Off}
                title="This registration link no longer works"
                description="It may have been replaced or switched off. Ask your partner manager for a new link, or sign in to the partner portal."
              />
            </Card>
          ) : (
            <QueryError error={form.error} retry={() => void form.refetch()} />
          )
        ) : receipt ? (
          <Card>
            <EmptyState
              icon={CircleCheck}
              title="Thanks, your deal is registered"
              description={`${receipt.accountName} is now in review with ${form.data.vendorName}. You will hear back by email.`}
            />
          </Card>
        ) : (
          <>
            <div className="mb-6">
              <h1 className="text-xl font-semibold tracking-tight text-slate-900 sm:text-2xl">Register a deal</h1>
              <p className="mt-1 text-sm text-slate-500">
                Tell {form.data.vendorName} about the opportunity. Once approved, it is protected for{' '}
                {form.data.partnerName}.
              </p>
            </div>
            <RegistrationFields
              definition={form.data}
              submit={async (body) => {
                const created = await unwrap(
                  api.POST('/api/v1/public/registration-forms/{token}', { params: { path: { token } }, body }),
                );
                setReceipt({ accountName: created.accountName });
              }}
            />
          </>
        )}
      </main>
    </div>
  );
}
