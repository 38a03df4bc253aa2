import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { MailCheck } from 'lucide-react';
import * as React from 'react';
import { auth } from '../../api/auth';
import { handleProblem, isStatus } from '../../api/problem';
import { meQuery } from '../../api/queries';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { safeRedirect } from '../../lib/redirect';
import { LinkErrorNotice } from '../../shared/link-error';
import { AuthLayout } from '../../shared/screens';
import { Button } from '../../ui/button';
import { FormField } from '../../ui/form-field';
import { Input } from '../../ui/input';

const signInApi = getRouteApi('/app/sign-in');

function Divider({ children }: { children: React.ReactNode }) {
  return (
    <div className="my-5 flex items-center gap-3 text-xs text-slate-400">
      <span className="h-px flex-1 bg-slate-200" />
      {children}
      <span className="h-px flex-1 bg-slate-200" />
    </div>
  );
}

export function SignInPage() {
  const search = signInApi.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const formRef = React.useRef<HTMLFormElement>(null);
  const [linkSentTo, setLinkSentTo] = React.useState<string | null>(null);
  const target = safeRedirect(search.redirect, '/app');

  const signIn = useMutation({
    mutationFn: auth.signIn,
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: meQuery.queryKey });
      await navigate({ to: target });
    },
    onError: (error) => {
      if (isStatus(error, 401)) setErrors({ password: 'The email or password is not right.' });
      else handleProblem(error, { setFieldErrors: setErrors, fields: ['email', 'password'] });
    },
  });

  const magicLink = useMutation({
    mutationFn: auth.magicLink,
    onSuccess: (_data, variables) => setLinkSentTo(variables.email),
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['email'] }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { email: 'Email', password: 'Password' });
    setErrors(missing);
    if (Object.keys(missing).length === 0)
      signIn.mutate({ email: values.email ?? '', password: values.password ?? '' });
  };

  const sendLink = () => {
    const form = formRef.current;
    if (!form) return;
    const values = formValues(form);
    if (!values.email) {
      setErrors({ email: 'Enter your email to get a sign-in link.' });
      return;
    }
    setErrors({});
    magicLink.mutate({ email: values.email, callbackURL: target, errorCallbackURL: '/app/sign-in' });
  };

  if (linkSentTo) {
    return (
      <AuthLayout title="Check your email" description={`We sent a sign-in link to ${linkSentTo}.`}>
        <div className="flex items-start gap-3 rounded-lg bg-brand-50 px-4 py-3 text-sm text-brand-900">
          <MailCheck className="mt-0.5 size-5 shrink-0 text-brand-600" aria-hidden />
          <p>
            Open the link on this device to sign in. It works once and expires soon. No email? Check your spam folder;
            without a mail server configured, an admin can find it under Settings › Mail outbox.
          </p>
        </div>
        <Button variant="secondary" className="mt-5 w-full" onClick={() => setLinkSentTo(null)}>
          Use a different email
        </Button>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Sign in to OpenPRM"
      description="Manage your partner programs."
      footer={
        <>
          New to OpenPRM?{' '}
          <Link
            to="/app/sign-up"
            search={{ redirect: search.redirect }}
            className="font-medium text-brand-700 hover:underline"
          >
            Create an account
          </Link>
        </>
      }
    >
      {search.error ? <LinkErrorNotice /> : null}
      <form ref={formRef} onSubmit={onSubmit} noValidate className="grid gap-4">
        <FormField label="Email" error={errors.email} required>
          <Input name="email" type="email" autoComplete="email" defaultValue={search.email ?? ''} autoFocus />
        </FormField>
        <FormField label="Password" error={errors.password} required>
          <Input name="password" type="password" autoComplete="current-password" />
        </FormField>
        <Button type="submit" className="mt-1 w-full" loading={signIn.isPending}>
          Sign in
        </Button>
      </form>
      <Divider>or</Divider>
      <Button variant="secondary" className="w-full" onClick={sendLink} loading={magicLink.isPending}>
        Email me a sign-in link
      </Button>
    </AuthLayout>
  );
}
