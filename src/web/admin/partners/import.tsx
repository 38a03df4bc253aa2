import { useMutation } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { FileSpreadsheet, Loader2, Upload } from 'lucide-react';
import * as React from 'react';
import { api } from '../../api/client';
import { handleProblem, unwrap } from '../../api/problem';
import { cn } from '../../lib/cn';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { PageHeader } from '../../ui/page-header';
import { ImportStatus } from './import-status';

const importApi = getRouteApi('/app/console/partners/import');

/** Largest file we read in the browser; the API has its own limit and says so. */
const MAX_BYTES = 5 * 1024 * 1024;
const SAMPLE =
  'name,type,kind,website,country,tags,manager_email,program\n' +
  'Northwind Consulting,reseller,organization,https://northwind.example,US,emea;strategic,,\n' +
  'Jamie Rivera,affiliate,individual,,ES,creator,,\n';

const IMPORT_COLUMNS: [string, string][] = [
  ['name', 'required'],
  ['type', 'required: referral, affiliate, reseller, agency, si_msp, technology or marketplace'],
  ['kind', 'organization (default) or individual'],
  ['website', 'used to find duplicates'],
  ['country', 'two-letter code such as US or DE'],
  ['tags', 'separated by ; or |'],
  ['manager_email', 'email of a member of this workspace'],
  ['program', 'name of a program to enroll the partner in'],
];

export function PartnerImportPage() {
  const { id } = importApi.useSearch();
  const navigate = useNavigate({ from: '/app/partners/import' });
  const setImportId = (next: string | undefined) => void navigate({ search: { id: next }, replace: true });

  return (
    <>
      <PageHeader
        eyebrow={
          <Link to="/app/partners" className="hover:text-slate-700 hover:underline">
            Partner list
          </Link>
        }
        title="Import from CSV"
        description="Upload a spreadsheet of partners. Every row is checked first; nothing is saved until you choose."
      />
      {id ? (
        <ImportStatus importId={id} onReset={() => setImportId(undefined)} />
      ) : (
        <Upload_ onUploaded={setImportId} />
      )}
    </>
  );
}

function Upload_({ onUploaded }: { onUploaded: (id: string) => void }) {
  const [dragging, setDragging] = React.useState(false);
  const [fileError, setFileError] = React.useState<string | null>(null);
  const inputRef = React.useRef<HTMLInputElement>(null);

  const upload = useMutation({
    mutationFn: async (file: File) => {
      const csv = await file.text();
      return unwrap(api.POST('/api/v1/partner-imports', { body: { csv, filename: file.name } }));
    },
    onSuccess: (result) => onUploaded(result.id),
    onError: (error) => handleProblem(error, { title: 'The file could not be checked' }),
  });

  const accept = (file: File | undefined) => {
    setFileError(null);
    if (!file) return;
    if (!/\.csv$/i.test(file.name) && file.type !== 'text/csv') {
      setFileError('Choose a .csv file. Spreadsheet apps can save one with "Save as CSV".');
      return;
    }
    if (file.size > MAX_BYTES) {
      setFileError('The file is larger than 5 MB. Split it into smaller files.');
      return;
    }
    upload.mutate(file);
  };

  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_320px]">
      <Card>
        <CardBody className="p-6">
          <label
            htmlFor="csv-file"
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event) => {
              event.preventDefault();
              setDragging(false);
              accept(event.dataTransfer.files[0]);
            }}
            className={cn(
              'flex cursor-pointer flex-col items-center justify-center rounded-xl border-2 border-dashed px-6 py-14 text-center transition-colors',
              dragging
                ? 'border-brand-400 bg-brand-50/60'
                : 'border-slate-200 hover:border-slate-300 hover:bg-slate-50/60',
              'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500',
            )}
          >
            {upload.isPending ? (
              <Loader2 className="mb-3 size-8 animate-spin text-brand-500" aria-hidden />
            ) : (
              <Upload className="mb-3 size-8 text-slate-400" aria-hidden />
            )}
            <span className="text-sm font-medium text-slate-900">
              {upload.isPending ? 'Checking every row…' : 'Drop a CSV file here, or click to choose one'}
            </span>
            <span className="mt-1 text-[13px] text-slate-500">UTF-8, first row with column names, up to 5 MB</span>
            <input
              ref={inputRef}
              id="csv-file"
              type="file"
              accept=".csv,text/csv"
              aria-label="CSV file"
              className="sr-only"
              disabled={upload.isPending}
              onChange={(event) => {
                accept(event.target.files?.[0]);
                event.target.value = '';
              }}
            />
          </label>
          {fileError ? (
            <p className="mt-3 text-[13px] text-red-700" role="alert">
              {fileError}
            </p>
          ) : null}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="File format" description="Columns we read, in any order." />
        <CardBody className="grid gap-3 text-sm">
          <ul className="grid gap-2 text-slate-600">
            {IMPORT_COLUMNS.map(([column, help]) => (
              <li key={column}>
                <code className="font-mono text-[13px] text-slate-900">{column}</code> — {help}
              </li>
            ))}
          </ul>
          <a
            href={`data:text/csv;charset=utf-8,${encodeURIComponent(SAMPLE)}`}
            download="openprm-partners-sample.csv"
            className="inline-flex items-center gap-1.5 font-medium text-brand-700 hover:underline"
          >
            <FileSpreadsheet className="size-4" aria-hidden />
            Download a sample file
          </a>
        </CardBody>
      </Card>
    </div>
  );
}
