import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Check, Medal, Pencil, Plus, Trash2, X } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Input } from '../../ui/input';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type Tier = components['schemas']['Tier'];

export const tiersQuery = (programId: string) => ({
  queryKey: ['program', programId, 'tiers'],
  queryFn: () => unwrap(api.GET('/api/v1/programs/{id}/tiers', { params: { path: { id: programId } } })),
});

/** The program's tier ladder, entry level (rank 1) first. */
export function TiersCard({ programId }: { programId: string }) {
  const canEdit = useCan()('programs:write');
  const queryClient = useQueryClient();
  const tiers = useQuery(tiersQuery(programId));
  const [name, setName] = React.useState('');
  const [error, setError] = React.useState<string | undefined>();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['program', programId, 'tiers'] });
    void queryClient.invalidateQueries({ queryKey: ['partner'] });
  };

  const add = useMutation({
    mutationFn: (tierName: string) =>
      unwrap(api.POST('/api/v1/programs/{id}/tiers', { params: { path: { id: programId } }, body: { name: tierName } })),
    onSuccess: (tier) => {
      setName('');
      setError(undefined);
      refresh();
      toast({ title: 'Tier added', description: tier.name });
    },
    onError: (e) => handleProblem(e, { onMessage: setError, setFieldErrors: (f) => setError(f.name) }),
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { name?: string; rank?: number } }) =>
      unwrap(api.PATCH('/api/v1/tiers/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
    onError: (e) => handleProblem(e, { title: 'Could not change the tier' }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/tiers/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      refresh();
      toast({ title: 'Tier deleted' });
    },
    onError: (e) => handleProblem(e, { title: 'Could not delete the tier' }),
  });

  const rows = tiers.data?.data ?? [];
  return (
    <Card className="self-start">
      <CardHeader
        title="Tiers"
        description="Partner levels in this program. Rank 1 is the entry level; commissions and registration eligibility can use them."
      />
      <CardBody className="grid gap-3">
        {tiers.isPending ? <LoadingBlock lines={3} /> : null}
        {tiers.isError ? <QueryError error={tiers.error} retry={() => void tiers.refetch()} /> : null}
        {tiers.isSuccess && rows.length === 0 ? (
          <div className="grid justify-items-start gap-1 rounded-lg border border-dashed border-slate-200 p-4 text-sm">
            <Medal className="size-5 text-slate-400" aria-hidden />
            <p className="font-medium text-slate-800">No tiers yet</p>
            <p className="text-slate-500">Add levels such as Registered, Silver and Gold, entry level first.</p>
          </div>
        ) : null}
        {rows.length > 0 ? (
          <ol className="grid divide-y divide-slate-100 rounded-lg border border-slate-200" aria-label="Tiers, entry level first">
            {rows.map((tier, index) => (
              <TierRow
                key={tier.id}
                tier={tier}
                canEdit={canEdit}
                first={index === 0}
                last={index === rows.length - 1}
                busy={update.isPending || remove.isPending}
                onRename={(next) => update.mutate({ id: tier.id, body: { name: next } })}
                onMove={(by) => update.mutate({ id: tier.id, body: { rank: tier.rank + by } })}
                onDelete={() => remove.mutate(tier.id)}
              />
            ))}
          </ol>
        ) : null}
        {canEdit ? (
          <form
            className="grid gap-1"
            onSubmit={(event) => {
              event.preventDefault();
              if (!name.trim()) return setError('Enter a name');
              add.mutate(name.trim());
            }}
          >
            <div className="flex gap-2">
              <Input
                aria-label="New tier name"
                placeholder="e.g. Platinum"
                value={name}
                maxLength={60}
                onChange={(event) => setName(event.target.value)}
                aria-invalid={error ? true : undefined}
              />
              <Button type="submit" variant="secondary" loading={add.isPending}>
                <Plus aria-hidden />
                Add
              </Button>
            </div>
            {error ? <p className="text-sm text-red-700">{error}</p> : <p className="text-xs text-slate-500">New tiers go on top.</p>}
          </form>
        ) : null}
      </CardBody>
    </Card>
  );
}

function TierRow({
  tier,
  canEdit,
  first,
  last,
  busy,
  onRename,
  onMove,
  onDelete,
}: {
  tier: Tier;
  canEdit: boolean;
  first: boolean;
  last: boolean;
  busy: boolean;
  onRename: (name: string) => void;
  onMove: (by: number) => void;
  onDelete: () => void;
}) {
  const [editing, setEditing] = React.useState(false);
  const [draft, setDraft] = React.useState(tier.name);
  return (
    <li className="flex items-center gap-2 px-3 py-2 text-sm">
      <span className="w-5 text-right text-xs text-slate-400 tabular-nums" title="Rank">
        {tier.rank}
      </span>
      {editing ? (
        <form
          className="flex flex-1 items-center gap-1"
          onSubmit={(event) => {
            event.preventDefault();
            if (draft.trim() && draft.trim() !== tier.name) onRename(draft.trim());
            setEditing(false);
          }}
        >
          <Input aria-label={`Rename ${tier.name}`} value={draft} maxLength={60} onChange={(e) => setDraft(e.target.value)} autoFocus />
          <Button type="submit" size="icon-sm" variant="ghost" aria-label="Save name">
            <Check aria-hidden />
          </Button>
          <Button type="button" size="icon-sm" variant="ghost" aria-label="Cancel" onClick={() => setEditing(false)}>
            <X aria-hidden />
          </Button>
        </form>
      ) : (
        <>
          <span className="flex-1 font-medium text-slate-900">{tier.name}</span>
          <Badge tone="muted">
            {tier.partners} partner{tier.partners === 1 ? '' : 's'}
          </Badge>
          {canEdit ? (
            <span className="flex items-center">
              <Button size="icon-sm" variant="ghost" aria-label={`Move ${tier.name} to a lower rank`} disabled={first || busy} onClick={() => onMove(-1)}>
                <ArrowUp aria-hidden />
              </Button>
              <Button size="icon-sm" variant="ghost" aria-label={`Move ${tier.name} to a higher rank`} disabled={last || busy} onClick={() => onMove(1)}>
                <ArrowDown aria-hidden />
              </Button>
              <Button size="icon-sm" variant="ghost" aria-label={`Rename ${tier.name}`} onClick={() => { setDraft(tier.name); setEditing(true); }}>
                <Pencil aria-hidden />
              </Button>
              <Button
                size="icon-sm"
                variant="destructive-ghost"
                aria-label={`Delete ${tier.name}`}
                disabled={busy || tier.partners > 0}
                title={tier.partners > 0 ? 'Move its partners to another tier first' : undefined}
                onClick={onDelete}
              >
                <Trash2 aria-hidden />
              </Button>
            </span>
          ) : null}
        </>
      )}
    </li>
  );
}
