import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { CircleAlert, CircleCheck, FileUp } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import type { PartnerImport } from '../../api/types';
import { cn } from '../../lib/cn';
import { QueryError } from '../../shared/screens';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { formatNumber } from '../../ui/format';
import { Progress } from '../../ui/progress';
import { LoadingBlock } from '../../ui/skeleton';

export function ImportStatus({ importId, onReset }: { importId: string; onReset: () => void }) {
  const queryClient = useQueryClient();
  const result = useQuery({
    queryKey: ['partner-import', importId],
    queryFn: () => unwrap(api.GET('/api/v1/partner-imports/{id}', { params: { path: { id: importId } } })),
    // Poll while rows are being written; the page can be left and opened again.
    refetchInterval: (query) => (query.state.data?.status === 'importing' ? 1000 : false),
  });

  const onChanged = (next: PartnerImport) => {
    queryClient.setQueryData(['partner-import', importId], next);
    if (next.status === 'completed') void queryClient.invalidateQueries({ queryKey: ['partners'] });
  };

  const commit = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/partner-imports/{id}/commit', {
          params: { path: { id: importId } },
          body: { mode: 'valid_only' },
        }),
      ),
    onSuccess: onChanged,
    onError: (error) => handleProblem(error, { title: 'The import could not start' }),
  });
  const discard = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/partner-imports/{id}/discard', { params: { path: { id: importId } } })),
    onSuccess: onChanged,
    onError: (error) => handleProblem(error, { title: 'The import could not be discarded' }),
  });

  React.useEffect(() => {
    if (result.data?.status === 'completed') void queryClient.invalidateQueries({ queryKey: ['partners'] });
  }, [result.data?.status, queryClient]);

  if (result.isPending) {
    return (
      <Card className="p-6">
        <LoadingBlock lines={4} />
      </Card>
    );
  }
  if (result.isError) return <QueryError error={result.error} retry={() => void result.refetch()} />;

  const data = result.data;
  const fileLabel = data.filename ?? 'Uploaded file';

  if (data.status === 'validated') {
    return (
      <div className="grid gap-6">
        <Card>
          <CardHeader
            title="Validation report"
            description={fileLabel}
            actions={
              <Badge tone={data.invalidRows > 0 ? 'warning' : 'success'}>
                {data.invalidRows > 0 ? 'Needs a decision' : 'All rows valid'}
              </Badge>
            }
          />
          <CardBody className="grid gap-6">
            <dl className="grid grid-cols-3 gap-3">
              <Count label="Rows in file" value={data.totalRows} />
              <Count label="Valid" value={data.validRows} tone="success" />
              <Count
                label="With problems"
                value={data.invalidRows}
                tone={data.invalidRows > 0 ? 'danger' : 'neutral'}
              />
            </dl>
            {data.errors.length > 0 ? (
              <div className="overflow-hidden rounded-lg border border-slate-200">
                <div className="max-h-96 overflow-auto">
                  <table className="w-full min-w-[480px] text-sm" aria-label="Problems found">
                    <thead className="sticky top-0 bg-slate-50">
                      <tr className="border-b border-slate-200 text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
                        <th scope="col" className="w-20 px-4 py-2">
                          Line
                        </th>
                        <th scope="col" className="w-40 px-4 py-2">
                          Column
                        </th>
                        <th scope="col" className="px-4 py-2">
                          Reason
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {data.errors.map((error, index) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a row can have several errors on one column
                        <tr key={`${error.line}-${error.column}-${index}`}>
                          <td className="px-4 py-2 font-mono text-[13px] text-slate-600 tabular-nums">{error.line}</td>
                          <td className="px-4 py-2 font-mono text-[13px] text-slate-900">{error.column}</td>
                          <td className="px-4 py-2 text-slate-700">{error.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
            ) : null}
            <div className="flex flex-col-reverse gap-2 border-t border-slate-100 pt-5 sm:flex-row sm:justify-end">
              <Button
                variant="secondary"
                onClick={() => discard.mutate()}
                loading={discard.isPending}
                disabled={commit.isPending}
              >
                Import nothing
              </Button>
              <Button
                onClick={() => commit.mutate()}
                loading={commit.isPending}
                disabled={data.validRows === 0 || discard.isPending}
              >
                {data.invalidRows > 0
                  ? `Import only the ${formatNumber(data.validRows)} valid rows`
                  : `Import ${formatNumber(data.validRows)} ${data.validRows === 1 ? 'row' : 'rows'}`}
              </Button>
            </div>
            {data.validRows === 0 ? (
              <p className="-mt-3 text-right text-[13px] text-slate-500">
                No row is valid. Fix the file and upload it again.
              </p>
            ) : null}
          </CardBody>
        </Card>
      </div>
    );
  }

  if (data.status === 'importing') {
    const done = data.processedRows;
    const total = data.validRows;
    return (
      <Card>
        <CardHeader title="Importing partners" description={fileLabel} />
        <CardBody className="grid gap-3 py-6">
          <div className="flex items-baseline justify-between text-sm">
            <span className="font-medium text-slate-900" aria-live="polite">
              {formatNumber(done)} of {formatNumber(total)} rows
            </span>
            <span className="text-slate-500 tabular-nums">{total > 0 ? Math.floor((done / total) * 100) : 0}%</span>
          </div>
          <Progress value={done} max={Math.max(total, 1)} label="Import progress" />
          <p className="text-[13px] text-slate-500">
            You can leave this page; the import keeps running and this page shows where it is.
          </p>
        </CardBody>
      </Card>
    );
  }

  const completed = data.status === 'completed';
  const imported =
    'importedRows' in data && typeof data.importedRows === 'number' ? data.importedRows : data.processedRows;
  return (
    <Card>
      <CardBody className="flex flex-col items-center px-6 py-12 text-center">
        {completed ? (
          <CircleCheck className="mb-4 size-10 text-emerald-500" aria-hidden />
        ) : (
          <CircleAlert className="mb-4 size-10 text-slate-400" aria-hidden />
        )}
        <h2 className="text-lg font-semibold text-slate-900">
          {completed ? 'Import complete' : data.status === 'discarded' ? 'Nothing was imported' : 'The import stopped'}
        </h2>
        <p className="mt-1 max-w-md text-sm text-slate-500">
          {completed
            ? `${formatNumber(imported)} ${imported === 1 ? 'partner was' : 'partners were'} added from ${fileLabel}.${
                data.invalidRows > 0 ? ` ${formatNumber(data.invalidRows)} rows with problems were skipped.` : ''
              }`
            : data.status === 'discarded'
              ? 'The file was discarded. Fix it and upload it again when you are ready.'
              : 'Some rows may have been saved. Check the partner list before importing again.'}
        </p>
        <div className="mt-6 flex flex-wrap justify-center gap-2">
          <Button asChild>
            <Link to="/app/partners">Open the partner list</Link>
          </Button>
          <Button variant="secondary" onClick={onReset}>
            <FileUp aria-hidden />
            Import another file
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}

function Count({
  label,
  value,
  tone = 'neutral',
}: {
  label: string;
  value: number;
  tone?: 'neutral' | 'success' | 'danger';
}) {
  return (
    <div className="rounded-lg border border-slate-200 px-4 py-3">
      <dt className="text-[13px] text-slate-500">{label}</dt>
      <dd
        className={cn(
          'mt-1 text-2xl font-semibold tabular-nums',
          tone === 'success' && 'text-emerald-700',
          tone === 'danger' && 'text-red-700',
          tone === 'neutral' && 'text-slate-900',
        )}
      >
        {formatNumber(value)}
      </dd>
    </div>
  );
}
