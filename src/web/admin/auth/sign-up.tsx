import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import type * as React from 'react';
import { auth } from '../../api/auth';
import { handleProblem, isStatus } from '../../api/problem';
import { meQuery } from '../../api/queries';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { safeRedirect } from '../../lib/redirect';
import { AuthLayout } from '../../shared/screens';
import { Button } from '../../ui/button';
import { FormField } from '../../ui/form-field';
import { Input } from '../../ui/input';

const signUpApi = getRouteApi('/app/sign-up');

export function SignUpPage() {
  const search = signUpApi.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const target = safeRedirect(search.redirect, '/app');

  const signUp = useMutation({
    mutationFn: auth.signUp,
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: meQuery.queryKey });
      await navigate({ to: target });
    },
    onError: (error) => {
      if (isStatus(error, 422) || isStatus(error, 400)) {
        const message = error instanceof Error ? error.message : 'Check your details.';
        if (/exist/i.test(message)) setErrors({ email: 'An account with this email already exists. Sign in instead.' });
        else if (/password/i.test(message)) setErrors({ password: message });
        else handleProblem(error, { setFieldErrors: setErrors, fields: ['name', 'email', 'password'] });
      } else handleProblem(error, { setFieldErrors: setErrors, fields: ['name', 'email', 'password'] });
    },
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Name', email: 'Email', password: 'Password' });
    if (!missing.password && (values.password ?? '').length < 8) missing.password = 'Use at least 8 characters.';
    setErrors(missing);
    if (Object.keys(missing).length === 0) {
      signUp.mutate({ name: values.name ?? '', email: values.email ?? '', password: values.password ?? '' });
    }
  };

  return (
    <AuthLayout
      title="Create your account"
      description="Run your partner program in one place. Free and open source."
      footer={
        <>
          Already have an account?{' '}
          <Link
            to="/app/sign-in"
            search={{ redirect: search.redirect }}
            className="font-medium text-brand-700 hover:underline"
          >
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate className="grid gap-4">
        <FormField label="Name" error={errors.name} required>
          <Input name="name" autoComplete="name" autoFocus />
        </FormField>
        <FormField label="Email" error={errors.email} required>
          <Input name="email" type="email" autoComplete="email" defaultValue={search.email ?? ''} />
        </FormField>
        <FormField label="Password" error={errors.password} hint="At least 8 characters." required>
          <Input name="password" type="password" autoComplete="new-password" />
        </FormField>
        <Button type="submit" className="mt-1 w-full" loading={signUp.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
