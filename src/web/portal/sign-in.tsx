import { useMutation } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { MailCheck } from 'lucide-react';
import * as React from 'react';
import { auth } from '../api/auth';
import { handleProblem } from '../api/problem';
import { formValues, requireFields, useFieldErrors } from '../lib/forms';
import { safeRedirect } from '../lib/redirect';
import { LogoMark } from '../shared/brand';
import { LinkErrorNotice } from '../shared/link-error';
import { AuthLayout } from '../shared/screens';
import { Button } from '../ui/button';
import { FormField } from '../ui/form-field';
import { Input } from '../ui/input';

const signInApi = getRouteApi('/portal/sign-in');

export function PortalSignInPage() {
  const search = signInApi.useSearch();
  const { errors, setErrors } = useFieldErrors();
  const [sentTo, setSentTo] = React.useState<string | null>(null);
  const send = useMutation({
    mutationFn: auth.magicLink,
    onSuccess: (_data, variables) => setSentTo(variables.email),
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['email'] }),
  });
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { email: 'Email' });
    setErrors(missing);
    if (!missing.email) {
      send.mutate({
        email: values.email ?? '',
        callbackURL: safeRedirect(search.redirect, '/portal'),
        errorCallbackURL: '/portal/sign-in',
      });
    }
  };
  const brand = (
    <span className="inline-flex items-center gap-2.5">
      <LogoMark />
      <span className="text-[15px] font-semibold tracking-tight text-slate-900">Partner portal</span>
    </span>
  );

  if (sentTo) {
    return (
      <AuthLayout brand={brand} title="Check your email" description={`We sent a sign-in link to ${sentTo}.`}>
        <div className="flex items-start gap-3 rounded-lg bg-brand-50 px-4 py-3 text-sm text-brand-900">
          <MailCheck className="mt-0.5 size-5 shrink-0 text-brand-600" aria-hidden />
          <p>
            Tap the link in the email to sign in. It works once and expires soon. Nothing there? Check your spam folder.
          </p>
        </div>
        <Button variant="secondary" className="mt-5 w-full" onClick={() => setSentTo(null)}>
          Use a different email
        </Button>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      brand={brand}
      title="Sign in"
      description="Enter your work email and we will send you a sign-in link. No password needed."
    >
      {search.error && search.invitation !== 'expired' ? <LinkErrorNotice /> : null}
      {search.invitation === 'expired' ? (
        <p
          className="mb-5 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
          role="status"
        >
          Your invitation link has expired. Enter your email to get a fresh sign-in link.
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="grid gap-4">
        <FormField label="Email" error={errors.email} required>
          <Input
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            autoFocus
            className="h-11 text-base sm:h-9 sm:text-sm"
          />
        </FormField>
        <Button type="submit" size="lg" className="w-full" loading={send.isPending}>
          Email me a sign-in link
        </Button>
      </form>
    </AuthLayout>
  );
}
