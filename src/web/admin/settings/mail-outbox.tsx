import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Inbox } from 'lucide-react';
import type * as React from 'react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import type { MailMessage } from '../../api/types';
import { cn } from '../../lib/cn';
import { QueryError, RecordPageStatus } from '../../shared/screens';
import { Badge, type BadgeTone } from '../../ui/badge';
import { Card, CardBody } from '../../ui/card';
import { type Column, DataTable, useCursorPager } from '../../ui/data-table';
import { EmptyState } from '../../ui/empty-state';
import { formatDateTime, formatRelative } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../ui/tabs';

const messageApi = getRouteApi('/app/console/settings/mail-outbox/$messageId');

function statusTone(status: string): BadgeTone {
  if (status === 'sent' || status === 'delivered' || status === 'captured') return 'success';
  if (status === 'failed' || status === 'bounced') return 'danger';
  if (status === 'queued' || status === 'pending' || status === 'sending') return 'warning';
  return 'neutral';
}

function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone(status)} dot>
      {status.charAt(0).toUpperCase() + status.slice(1)}
    </Badge>
  );
}

export function MailOutboxPage() {
  const pager = useCursorPager('');
  const query = { limit: 50, ...(pager.cursor ? { cursor: pager.cursor } : {}) };
  const messages = useQuery({
    queryKey: ['mail-outbox', 'list', query],
    queryFn: () => unwrap(api.GET('/api/v1/mail-outbox', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });

  const columns: Column<MailMessage>[] = [
    {
      id: 'subject',
      header: 'Subject',
      cell: (message) => (
        <Link
          to="/app/settings/mail-outbox/$messageId"
          params={{ messageId: message.id }}
          className="font-medium text-slate-900 hover:text-brand-700 hover:underline"
        >
          {message.subject || '(no subject)'}
        </Link>
      ),
    },
    { id: 'to', header: 'To', cell: (message) => <span className="text-slate-700">{message.to}</span> },
    { id: 'status', header: 'Status', cell: (message) => <StatusBadge status={message.status} /> },
    {
      id: 'transport',
      header: 'Transport',
      cell: (message) => <code className="font-mono text-xs text-slate-500">{message.transport}</code>,
      hideOnMobile: true,
    },
    {
      id: 'createdAt',
      header: 'Time',
      cell: (message) => (
        <span className="whitespace-nowrap text-slate-500" title={formatDateTime(message.createdAt)}>
          {formatRelative(message.createdAt)}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Mail outbox"
        description="Every email OpenPRM sends, with its delivery status. Without a mail server configured, emails are kept here so you can open sign-in links yourself."
      />
      {messages.isError ? <QueryError error={messages.error} retry={() => void messages.refetch()} /> : null}
      <DataTable
        label="Emails"
        columns={columns}
        rows={messages.data?.data}
        getRowId={(message) => message.id}
        loading={messages.isPending}
        pagination={pager.pagination(messages.data?.nextCursor)}
        empty={
          <EmptyState
            icon={Inbox}
            title="No email sent yet"
            description="Invite a colleague or a partner user; the email shows up here within seconds."
          />
        }
      />
    </>
  );
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Plain text with every URL turned into a real link (magic links are clicked from here). */
function LinkifiedText({ text }: { text: string }) {
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    // Sentence punctuation after a URL is not part of it.
    const trailing = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    const start = match.index ?? 0;
    parts.push(text.slice(last, start));
    parts.push(
      <a key={start} href={url} className="break-all text-brand-700 underline underline-offset-2 hover:text-brand-800">
        {url}
      </a>,
    );
    last = start + url.length;
  }
  parts.push(text.slice(last));
  return <>{parts}</>;
}

export function MailMessagePage() {
  const { messageId } = messageApi.useParams();
  const message = useQuery({
    queryKey: ['mail-outbox', messageId],
    queryFn: () => unwrap(api.GET('/api/v1/mail-outbox/{id}', { params: { path: { id: messageId } } })),
  });
  const eyebrow = (
    <Link to="/app/settings/mail-outbox" className="hover:text-slate-700 hover:underline">
      All emails
    </Link>
  );

  if (message.isPending || message.isError) return <RecordPageStatus query={message} eyebrow={eyebrow} title="Email" lines={6} />;
  const data = message.data;
  return (
    <>
      <PageHeader eyebrow={eyebrow} title={data.subject || '(no subject)'} />
      <Card>
        <dl className="grid gap-x-8 gap-y-3 border-b border-slate-100 px-6 py-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <Meta label="To" wrap>
            {data.to}
          </Meta>
          <Meta label="Status">
            <StatusBadge status={data.status} />
          </Meta>
          <Meta label="Transport">
            <code className="font-mono text-xs">{data.transport}</code>
          </Meta>
          <Meta label={data.sentAt ? 'Sent' : 'Created'}>{formatDateTime(data.sentAt ?? data.createdAt)}</Meta>
        </dl>
        {data.error ? (
          <div className="border-b border-red-100 bg-red-50 px-6 py-3 text-sm text-red-800" role="alert">
            {data.error}
          </div>
        ) : null}
        <CardBody className="px-6 py-5">
          <Tabs defaultValue="text">
            {data.html ? (
              <TabsList aria-label="Email format">
                <TabsTrigger value="text">Text</TabsTrigger>
                <TabsTrigger value="html">HTML preview</TabsTrigger>
              </TabsList>
            ) : null}
            <TabsContent value="text" className={data.html ? undefined : 'pt-0'}>
              <div className="max-w-3xl font-sans text-sm leading-relaxed whitespace-pre-wrap text-slate-800">
                <LinkifiedText text={data.text ?? ''} />
              </div>
            </TabsContent>
            {data.html ? (
              <TabsContent value="html">
                {/* Sandboxed without scripts: email HTML is untrusted. */}
                <iframe
                  title="Email HTML preview"
                  sandbox="allow-popups allow-popups-to-escape-sandbox"
                  srcDoc={data.html}
                  className="h-[560px] w-full rounded-lg border border-slate-200 bg-white"
                />
              </TabsContent>
            ) : null}
          </Tabs>
        </CardBody>
      </Card>
    </>
  );
}

function Meta({ label, children, wrap }: { label: string; children: React.ReactNode; wrap?: boolean }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={cn('mt-0.5 text-slate-900', wrap ? 'break-all' : 'truncate')}>{children}</dd>
    </div>
  );
}
