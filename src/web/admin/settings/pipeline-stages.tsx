import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, Plus, Trash2, Workflow } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { type FieldErrors, handleProblem, unwrap } from '../../api/problem';
import type { components } from '../../api/schema';
import { useCan } from '../../lib/permissions';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Checkbox } from '../../ui/checkbox';
import { EmptyState } from '../../ui/empty-state';
import { InlineAlert } from '../../ui/inline-alert';
import { Input } from '../../ui/input';
import { PageHeader } from '../../ui/page-header';
import { NativeSelect, Select } from '../../ui/select';
import { LoadingBlock } from '../../ui/skeleton';
import { toast } from '../../ui/toast';

type Pipeline = components['schemas']['Pipeline'];
type StageKind = components['schemas']['Stage']['kind'];
type Requirable = components['schemas']['StageRequirableField'];

const REQUIRABLE: { value: Requirable; label: string }[] = [
  { value: 'amount', label: 'Amount' },
  { value: 'closeDate', label: 'Close date' },
  { value: 'nextStep', label: 'Next step' },
  { value: 'ownerMemberId', label: 'Owner' },
  { value: 'credits', label: 'Partner credits' },
];
const KINDS: { value: StageKind; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];

interface Draft {
  key: string;
  id?: string;
  name: string;
  probability: string;
  kind: StageKind;
  requiredFields: Requirable[];
  /** Keys of custom registration fields required before the stage, comma separated. */
  custom: string;
}
let seed = 0;
const toDrafts = (pipeline: Pipeline): Draft[] =>
  pipeline.stages.map((stage) => ({
    key: `stage-${++seed}`,
    id: stage.id,
    name: stage.name,
    probability: String(stage.winProbabilityBp / 100),
    kind: stage.kind,
    requiredFields: stage.requiredFields.filter((f) => !f.startsWith('custom.')),
    custom: stage.requiredFields
      .filter((f) => f.startsWith('custom.'))
      .map((f) => f.slice('custom.'.length))
      .join(', '),
  }));

/** Settings → Pipeline stages: add, rename, reorder and remove stages; win probability and required fields. */
export function PipelineStagesPage() {
  const pipelines = useQuery({ queryKey: ['pipelines'], queryFn: () => unwrap(api.GET('/api/v1/pipelines')) });
  const [selected, setSelected] = React.useState('');
  const list = pipelines.data?.data ?? [];
  const pipeline = list.find((p) => p.id === selected) ?? list.find((p) => p.isDefault) ?? list[0];
  return (
    <>
      <PageHeader
        title="Pipeline stages"
        description="The stages deals move through, their win probability (for the weighted pipeline) and the fields a deal needs before it may enter a stage."
        actions={
          list.length > 1 ? (
            <Select
              label="Pipeline"
              value={pipeline?.id ?? ''}
              onValueChange={setSelected}
              options={list.map((p) => ({ value: p.id, label: p.isDefault ? `${p.name} (default)` : p.name }))}
              className="w-56"
            />
          ) : null
        }
      />
      {pipelines.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={6} />
        </Card>
      ) : pipelines.isError ? (
        <QueryError error={pipelines.error} retry={() => void pipelines.refetch()} />
      ) : !pipeline ? (
        <Card>
          <EmptyState icon={Workflow} title="No pipeline yet" description="A default pipeline is created with the workspace." />
        </Card>
      ) : (
        <StagesEditor pipeline={pipeline} key={`${pipeline.id}:${pipeline.stages.map((s) => s.id).join(',')}`} />
      )}
    </>
  );
}

function StagesEditor({ pipeline }: { pipeline: Pipeline }) {
  const canEdit = useCan()('deals:write');
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = React.useState<Draft[]>(() => toDrafts(pipeline));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [message, setMessage] = React.useState<string | null>(null);
  const dirty = JSON.stringify(drafts.map(({ key: _k, ...d }) => d)) !== JSON.stringify(toDrafts(pipeline).map(({ key: _k, ...d }) => d));

  const save = useMutation({
    mutationFn: (stages: components['schemas']['StageInput'][]) =>
      unwrap(api.PATCH('/api/v1/pipelines/{id}/stages', { params: { path: { id: pipeline.id } }, body: { stages } })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['pipelines'] });
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      toast({ title: 'Stages saved', description: `${saved.stages.length} stages in ${saved.name}` });
      setErrors({});
      setMessage(null);
    },
    onError: (error) =>
      handleProblem(error, { setFieldErrors: setErrors, mapPath: (path) => path.replace(/^\/+/, '').replaceAll('/', '.'), onMessage: setMessage }),
  });

  const update = (index: number, patch: Partial<Draft>) => setDrafts((list) => list.map((d, i) => (i === index ? { ...d, ...patch } : d)));
  const move = (index: number, by: number) =>
    setDrafts((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item as Draft);
      return next;
    });

  const onSave = () => {
    const local: FieldErrors = {};
    const stages = drafts.map((d, i) => {
      const pct = Number(d.probability);
      if (!d.name.trim()) local[`stages.${i}.name`] = 'Enter a name';
      if (d.probability.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) local[`stages.${i}.winProbabilityBp`] = 'A percentage from 0 to 100';
      const custom = d.custom
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (custom.some((k) => !/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/.test(k))) local[`stages.${i}.requiredFields`] = 'Custom field keys start with a letter and use letters, digits and _';
      const requiredFields = [...d.requiredFields, ...custom.map((k) => `custom.${k}`)];
      return { ...(d.id ? { id: d.id } : {}), name: d.name.trim(), winProbabilityBp: Math.round(pct * 100), kind: d.kind, requiredFields };
    });
    setErrors(local);
    if (Object.keys(local).length === 0) save.mutate(stages);
  };

  const errorOf = (i: number, field: string) => {
    const prefix = `stages.${i}.${field}`;
    const key = Object.keys(errors).find((k) => k === prefix || k.startsWith(`${prefix}.`));
    return key ? errors[key] : undefined;
  };
  return (
    <Card>
      <CardHeader
        title={pipeline.name}
        description="Deals keep their stage when you rename or move it. A stage with deals in it cannot be removed (the save answers which)."
        actions={
          canEdit ? (
            <>
              <Button variant="secondary" disabled={!dirty || save.isPending} onClick={() => setDrafts(toDrafts(pipeline))}>
                Discard
              </Button>
              <Button disabled={!dirty} loading={save.isPending} onClick={onSave}>
                Save stages
              </Button>
            </>
          ) : (
            <Badge tone="muted">Read only</Badge>
          )
        }
      />
      <CardBody className="grid gap-3">
        {message ? <InlineAlert message={message} /> : null}
        {errors.stages ? <InlineAlert message={errors.stages} /> : null}
        <div className="hidden grid-cols-[2rem_minmax(0,1.4fr)_7rem_7rem_minmax(0,2fr)_6.5rem] gap-3 px-1 text-xs font-medium text-slate-500 uppercase md:grid">
          <span />
          <span>Stage</span>
          <span>Win %</span>
          <span>Kind</span>
          <span>Required before entering</span>
          <span />
        </div>
        <ol className="grid gap-2">
          {drafts.map((draft, index) => (
            <li
              key={draft.key}
              className="grid grid-cols-1 items-start gap-3 rounded-lg border border-slate-200 p-3 md:grid-cols-[2rem_minmax(0,1.4fr)_7rem_7rem_minmax(0,2fr)_6.5rem]"
            >
              <span className="pt-2 text-xs text-slate-400 tabular-nums">{index + 1}</span>
              <div className="grid gap-1">
                <Input
                  aria-label={`Stage ${index + 1} name`}
                  value={draft.name}
                  maxLength={80}
                  disabled={!canEdit}
                  onChange={(e) => update(index, { name: e.target.value })}
                  aria-invalid={errorOf(index, 'name') ? true : undefined}
                />
                {errorOf(index, 'name') ? <span className="text-xs text-red-700">{errorOf(index, 'name')}</span> : null}
              </div>
              <div className="grid gap-1">
                <Input
                  aria-label={`Stage ${index + 1} win probability (%)`}
                  inputMode="decimal"
                  value={draft.probability}
                  disabled={!canEdit}
                  onChange={(e) => update(index, { probability: e.target.value })}
                  aria-invalid={errorOf(index, 'winProbabilityBp') ? true : undefined}
                />
                {errorOf(index, 'winProbabilityBp') ? <span className="text-xs text-red-700">{errorOf(index, 'winProbabilityBp')}</span> : null}
              </div>
              <NativeSelect
                aria-label={`Stage ${index + 1} kind`}
                value={draft.kind}
                disabled={!canEdit}
                options={KINDS}
                onChange={(e) => update(index, { kind: e.target.value as StageKind })}
              />
              <div className="flex flex-wrap gap-x-4 gap-y-2 pt-2">
                {REQUIRABLE.map((field) => {
                  const id = `${draft.key}-${field.value}`;
                  return (
                    <label key={field.value} htmlFor={id} className="flex items-center gap-1.5 text-sm text-slate-700">
                      <Checkbox
                        id={id}
                        disabled={!canEdit}
                        checked={draft.requiredFields.includes(field.value)}
                        onCheckedChange={(checked) =>
                          update(index, {
                            requiredFields: checked
                              ? [...draft.requiredFields, field.value]
                              : draft.requiredFields.filter((f) => f !== field.value),
                          })
                        }
                      />
                      {field.label}
                    </label>
                  );
                })}
                <div className="grid w-full gap-1">
                  <Input
                    aria-label={`Stage ${index + 1} custom registration fields required`}
                    placeholder="Custom registration fields, e.g. industry, budget"
                    value={draft.custom}
                    disabled={!canEdit}
                    onChange={(e) => update(index, { custom: e.target.value })}
                    aria-invalid={errorOf(index, 'requiredFields') ? true : undefined}
                  />
                  {errorOf(index, 'requiredFields') ? <span className="text-xs text-red-700">{errorOf(index, 'requiredFields')}</span> : null}
                </div>
              </div>
              {canEdit ? (
                <span className="flex justify-end">
                  <Button size="icon-sm" variant="ghost" aria-label={`Move ${draft.name || 'stage'} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                    <ArrowUp aria-hidden />
                  </Button>
                  <Button
                    size="icon-sm"
                    variant="ghost"
                    aria-label={`Move ${draft.name || 'stage'} down`}
                    disabled={index === drafts.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    <ArrowDown aria-hidden />
                  </Button>
                  <Button
                    size="icon-sm"
                    variant="destructive-ghost"
                    aria-label={`Remove ${draft.name || 'stage'}`}
                    disabled={drafts.length <= 3}
                    onClick={() => setDrafts((list) => list.filter((_, i) => i !== index))}
                  >
                    <Trash2 aria-hidden />
                  </Button>
                </span>
              ) : null}
            </li>
          ))}
        </ol>
        {canEdit ? (
          <Button
            variant="secondary"
            className="justify-self-start"
            disabled={drafts.length >= 30}
            onClick={() =>
              setDrafts((list) => {
                // New open stages go before the first closed (won/lost) stage.
                const firstClosed = list.findIndex((d) => d.kind !== 'open');
                const at = firstClosed === -1 ? list.length : firstClosed;
                const next = [...list];
                next.splice(at, 0, { key: `stage-${++seed}`, name: '', probability: '50', kind: 'open', requiredFields: [], custom: '' });
                return next;
              })
            }
          >
            <Plus aria-hidden />
            Add stage
          </Button>
        ) : null}
      </CardBody>
    </Card>
  );
}
