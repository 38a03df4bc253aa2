import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { BookOpen } from 'lucide-react';
import { api } from '../../api/client';
import { unwrap } from '../../api/problem';
import { QueryError } from '../../shared/screens';
import { Button } from '../../ui/button';
import { Card, CardBody } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { LoadingBlock, Skeleton } from '../../ui/skeleton';

const rulesApi = getRouteApi('/portal/portal-shell/programs/$programId/rules');

/** Typography for the server-rendered, sanitized rules (headings, lists, links, emphasis). */
export const PROSE =
  'grid gap-3 text-sm leading-relaxed text-slate-700 [&_a]:text-brand-700 [&_a]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h1]:text-lg [&_h1]:font-semibold [&_h1]:text-slate-900 [&_h2]:mt-2 [&_h2]:text-base [&_h2]:font-semibold [&_h2]:text-slate-900 [&_h3]:font-semibold [&_h3]:text-slate-900 [&_li]:mt-1 [&_ol]:list-decimal [&_ol]:pl-5 [&_strong]:font-semibold [&_strong]:text-slate-900 [&_ul]:list-disc [&_ul]:pl-5 [&_blockquote]:border-l-4 [&_blockquote]:border-slate-200 [&_blockquote]:pl-3';

export function PortalRulesPage() {
  const { programId } = rulesApi.useParams();
  const rules = useQuery({
    queryKey: ['portal', 'rules', programId],
    queryFn: () =>
      unwrap(api.GET('/api/v1/portal/programs/{id}/rules-of-engagement', { params: { path: { id: programId } } })),
  });
  const eyebrow = (
    <Link to="/portal/deals" className="hover:text-slate-700 hover:underline">
      Deals
    </Link>
  );
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={rules.data ? `${rules.data.programName}: rules of engagement` : <Skeleton className="h-7 w-72" />}
        description={
          rules.data?.updatedAt
            ? `How deals are registered, protected and decided. Updated ${formatDate(rules.data.updatedAt)}.`
            : 'How deals are registered, protected and decided.'
        }
        actions={
          <Button asChild variant="secondary">
            <Link to="/portal/deals/register" search={{ programId }}>
              Register a deal
            </Link>
          </Button>
        }
      />
      {rules.isError ? <QueryError error={rules.error} retry={() => void rules.refetch()} /> : null}
      {rules.isPending ? (
        <Card className="p-6">
          <LoadingBlock lines={8} />
        </Card>
      ) : rules.data && rules.data.html.trim() === '' ? (
        <Card>
          <EmptyState
            icon={BookOpen}
            title="No rules published yet"
            description="The standard terms of your program apply. Ask your partner manager if anything is unclear."
          />
        </Card>
      ) : rules.data ? (
        <Card>
          <CardBody className="p-5 sm:p-8">
            <div
              className={PROSE}
              // biome-ignore lint/security/noDangerouslySetInnerHtml: the server renders the Markdown and sanitizes it (allow-listed tags, no attributes but safe hrefs).
              dangerouslySetInnerHTML={{ __html: rules.data.html }}
            />
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
