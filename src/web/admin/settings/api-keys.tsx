import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, KeyRound, Plus, TriangleAlert } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { ApiKey, CreatedApiKey, MemberRole } from '../../api/types';
import { formValues, requireFields, useFieldErrors } from '../../lib/forms';
import { labelOf, MEMBER_ROLES } from '../../lib/labels';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { type Column, DataTable } from '../../ui/data-table';
import { Dialog, DialogClose, DialogContent, DialogFooter } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { FormField } from '../../ui/form-field';
import { formatDate, formatDateTime, formatRelative } from '../../ui/format';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect } from '../../ui/select';
import { toast } from '../../ui/toast';

/** Owner keys are too powerful to hand to scripts; offer the rest. */
const KEY_ROLES = MEMBER_ROLES.filter((role) => role.value !== 'owner');

export function ApiKeysPage() {
  const [createOpen, setCreateOpen] = React.useState(false);
  const [created, setCreated] = React.useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = React.useState<ApiKey | null>(null);
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => unwrap(api.GET('/api/v1/api-keys', { params: { query: { limit: 100 } } })),
  });

  const columns: Column<ApiKey>[] = [
    { id: 'name', header: 'Name', cell: (key) => <span className="font-medium text-slate-900">{key.name}</span> },
    { id: 'role', header: 'Role', cell: (key) => labelOf(MEMBER_ROLES, key.role) },
    {
      id: 'prefix',
      header: 'Key',
      cell: (key) => (
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{key.prefix}…</code>
      ),
    },
    { id: 'createdAt', header: 'Created', cell: (key) => formatDate(key.createdAt), hideOnMobile: true },
    {
      id: 'lastUsedAt',
      header: 'Last used',
      cell: (key) =>
        key.lastUsedAt ? (
          <span title={formatDateTime(key.lastUsedAt)}>{formatRelative(key.lastUsedAt)}</span>
        ) : (
          <span className="text-slate-400">Never</span>
        ),
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (key) => (
        <Button
          variant="destructive-ghost"
          size="sm"
          onClick={() => setRevoking(key)}
          aria-label={`Revoke ${key.name}`}
        >
          Revoke
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own systems call the OpenPRM API. Each key acts with the role you give it."
        actions={
          <Button onClick={() => setCreateOpen(true)}>
            <Plus aria-hidden />
            Create API key
          </Button>
        }
      />
      {keys.isError ? <QueryError error={keys.error} retry={() => void keys.refetch()} /> : null}
      <DataTable
        label="API keys"
        columns={columns}
        rows={keys.data?.data}
        getRowId={(key) => key.id}
        loading={keys.isPending}
        empty={
          <EmptyState
            icon={KeyRound}
            title="No API keys"
            description="Create a key for a script or an integration. Send it in the Authorization header as a Bearer token."
          />
        }
      />
      <CreateKeyDialog
        open={createOpen}
        onOpenChange={setCreateOpen}
        onCreated={(result) => {
          setCreateOpen(false);
          setCreated(result);
        }}
      />
      <SecretDialog key={created?.apiKey.id ?? 'none'} created={created} onClose={() => setCreated(null)} />
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}

function CreateKeyDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (created: CreatedApiKey) => void;
}) {
  const queryClient = useQueryClient();
  const { errors, setErrors } = useFieldErrors();
  React.useEffect(() => {
    if (!open) setErrors({});
  }, [open, setErrors]);
  const create = useMutation({
    mutationFn: (body: { name: string; role: MemberRole }) => unwrap(api.POST('/api/v1/api-keys', { body })),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      onCreated(result);
    },
    onError: (error) => handleProblem(error, { setFieldErrors: setErrors, fields: ['name', 'role'] }),
  });
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = formValues(event.currentTarget);
    const missing = requireFields(values, { name: 'Key name', role: 'Role' });
    setErrors(missing);
    if (Object.keys(missing).length === 0) create.mutate({ name: values.name ?? '', role: values.role as MemberRole });
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Create API key" size="sm">
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <FormField label="Key name" error={errors.name} hint="Where it is used, e.g. “CRM sync”." required>
            <Input name="name" autoComplete="off" />
          </FormField>
          <FormField label="Role" error={errors.role} hint="Give the key the least access it needs." required>
            <NativeSelect name="role" defaultValue="analyst" options={KEY_ROLES} />
          </FormField>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function SecretDialog({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const [copied, setCopied] = React.useState(false);
  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      toast({ tone: 'error', title: 'Copy failed', description: 'Select the key and copy it by hand.' });
    }
  };
  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title="Copy your new API key"
        description={created ? `${created.apiKey.name} · ${labelOf(MEMBER_ROLES, created.apiKey.role)}` : undefined}
      >
        <div className="grid gap-4">
          <div className="flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
            <p>This is the only time the key is shown. Store it in your secret manager now.</p>
          </div>
          <div className="flex gap-2">
            <Input
              readOnly
              value={created?.secret ?? ''}
              aria-label="API key secret"
              className="font-mono text-[13px]"
              onFocus={(event) => event.currentTarget.select()}
            />
            <Button variant="secondary" onClick={() => void copy()} aria-live="polite">
              {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
        </div>
        <DialogFooter>
          <DialogClose asChild>
            <Button>Done</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
      toast({ title: 'API key revoked', description: apiKey?.name });
      onClose();
    },
    onError: (error) => handleProblem(error, { title: 'The key was not revoked' }),
  });
  return (
    <Dialog open={apiKey !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        title={`Revoke ${apiKey?.name ?? 'key'}?`}
        description="Requests with this key fail from now on. This cannot be undone."
        size="sm"
      >
        <DialogFooter className="mt-0">
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button variant="destructive" onClick={() => apiKey && revoke.mutate(apiKey.id)} loading={revoke.isPending}>
            Revoke key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
