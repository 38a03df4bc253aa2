import { type ErrorComponentProps, Link } from '@tanstack/react-router';
import { CircleAlert, Compass, Loader2 } from 'lucide-react';
import type * as React from 'react';
import { ApiError } from '../api/problem';
import { Button } from '../ui/button';
import { Card } from '../ui/card';
import { PageHeader } from '../ui/page-header';
import { LoadingBlock, Skeleton } from '../ui/skeleton';
import { Logo } from './brand';

/** Centered card layout for sign-in, sign-up, onboarding and invitations. */
export function AuthLayout({
  title,
  description,
  children,
  footer,
  brand,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  children: React.ReactNode;
  footer?: React.ReactNode;
  brand?: React.ReactNode;
}) {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-slate-50 px-4 py-10 sm:justify-center sm:py-16">
      <div className="mb-8">{brand ?? <Logo />}</div>
      <main className="w-full max-w-[420px]">
        <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-card sm:p-8">
          <h1 className="text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
          {description ? <p className="mt-1.5 text-sm text-slate-500">{description}</p> : null}
          <div className="mt-6">{children}</div>
        </div>
        {footer ? <div className="mt-6 text-center text-sm text-slate-500">{footer}</div> : null}
      </main>
    </div>
  );
}

/** Shown while a page's code or data is still on its way (after a short delay). */
export function PendingScreen() {
  return (
    <div className="flex min-h-[40dvh] items-center justify-center" role="status">
      <Loader2 className="size-6 animate-spin text-slate-300" aria-hidden />
      <span className="sr-only">Loading…</span>
    </div>
  );
}

export function NotFoundScreen() {
  return (
    <div className="flex min-h-[60dvh] flex-col items-center justify-center px-6 text-center">
      <Compass className="mb-4 size-10 text-slate-300" aria-hidden />
      <h1 className="text-lg font-semibold text-slate-900">Page not found</h1>
      <p className="mt-1 max-w-sm text-sm text-slate-500">The page you are looking for does not exist or was moved.</p>
      <Button asChild variant="secondary" className="mt-6">
        <Link to="/">Go to the start page</Link>
      </Button>
    </div>
  );
}

export function ErrorScreen({ error, reset }: ErrorComponentProps) {
  const problem = error instanceof ApiError ? error.problem : null;
  return (
    <div className="flex min-h-[60dvh] flex-col items-center justify-center px-6 text-center" role="alert">
      <CircleAlert className="mb-4 size-10 text-red-400" aria-hidden />
      <h1 className="text-lg font-semibold text-slate-900">
        {problem?.status === 404 ? 'Not found' : problem?.status === 403 ? 'Not allowed' : 'Something went wrong'}
      </h1>
      <p className="mt-1 max-w-md text-sm text-slate-500">
        {problem?.detail ?? (error instanceof Error ? error.message : 'An unexpected error occurred.')}
      </p>
      {problem?.requestId ? (
        <p className="mt-2 font-mono text-xs text-slate-400">Request id {String(problem.requestId)}</p>
      ) : null}
      <div className="mt-6 flex gap-2">
        <Button variant="secondary" onClick={() => reset()}>
          Try again
        </Button>
      </div>
    </div>
  );
}

/** Inline error for a failed query inside a page. */
export function QueryError({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : String(error);
  return (
    <div className="flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm" role="alert">
      <CircleAlert className="mt-0.5 size-4 shrink-0 text-red-600" aria-hidden />
      <div className="flex-1 text-red-800">{message}</div>
      {retry ? (
        <button type="button" onClick={retry} className="font-medium text-red-800 underline underline-offset-2">
          Retry
        </button>
      ) : null}
    </div>
  );
}

/**
 * The loading and error states of a record's page: a header skeleton over a loading card, or
 * the error with a retry. `if (q.isPending || q.isError) return <RecordPageStatus query={q} … />`.
 */
export function RecordPageStatus({
  query,
  eyebrow,
  title,
  lines = 6,
}: {
  query: { isPending: boolean; error: unknown; refetch: () => unknown };
  eyebrow: React.ReactNode;
  title: string;
  lines?: number;
}) {
  if (query.isPending) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={<Skeleton className="h-7 w-64" />} />
        <Card className="p-6">
          <LoadingBlock lines={lines} />
        </Card>
      </>
    );
  }
  return (
    <>
      <PageHeader eyebrow={eyebrow} title={title} />
      <QueryError error={query.error} retry={() => void query.refetch()} />
    </>
  );
}
