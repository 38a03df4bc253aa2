import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import * as React from 'react';
import { api, tenancy } from '../../api/client';
import { handleProblem, isStatus, unwrap } from '../../api/problem';
import { meQuery } from '../../api/queries';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { AuthLayout } from '../../shared/screens';
import { Button } from '../../ui/button';
import { FormField } from '../../ui/form-field';
import { Input } from '../../ui/input';

export function OnboardingPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  const me = useQuery(meQuery);

  React.useEffect(() => {
    if (isStatus(me.error, 401)) void navigate({ to: '/app/sign-in', search: { redirect: '/app/onboarding' } });
  }, [me.error, navigate]);

  const create = useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/api/v1/workspaces', { body: { name } })),
    onSuccess: async (workspace) => {
      tenancy.setWorkspaceId(workspace.id);
      queryClient.removeQueries();
      await navigate({ to: '/app' });
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['name'] }),
  });

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Workspace name' });
    setErrors(missing);
    if (!missing.name) create.mutate(values.name ?? '');
  };

  const hasWorkspace = (me.data?.workspaces.length ?? 0) > 0;

  return (
    <AuthLayout
      title="Create your workspace"
      description="A workspace is your company's home in OpenPRM: its programs, partners and team. You can invite colleagues next."
      footer={
        hasWorkspace ? (
          <Link to="/app" className="font-medium text-brand-700 hover:underline">
            Back to the console
          </Link>
        ) : me.data ? (
          <span>Signed in as {me.data.user.email}</span>
        ) : null
      }
    >
      <form onSubmit={onSubmit} noValidate className="grid gap-4">
        <FormField label="Workspace name" error={errors.name} hint="Usually your company's name." required>
          <Input name="name" autoComplete="organization" placeholder="Acme Inc." autoFocus />
        </FormField>
        <Button type="submit" className="mt-1 w-full" loading={create.isPending}>
          Create workspace
        </Button>
      </form>
    </AuthLayout>
  );
}
