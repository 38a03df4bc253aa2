import { tenancy } from '../../api/client';
import { toApiError } from '../../api/problem';
import { toast } from '../../ui/toast';

/**
 * Downloads a file from the API (statements, bank files, tax exports) with the same tenant
 * headers as the typed client, then hands it to the browser as a named file.
 */
export async function downloadFile(path: string, filename: string, scope: 'console' | 'portal' = 'console') {
  const headers: Record<string, string> = {};
  if (scope === 'portal') {
    const partnerId = tenancy.partnerId();
    const workspaceId = tenancy.partnerWorkspaceId() ?? tenancy.workspaceId();
    if (partnerId) headers['x-partner-id'] = partnerId;
    if (workspaceId) headers['x-workspace-id'] = workspaceId;
  } else {
    const workspaceId = tenancy.workspaceId();
    if (workspaceId) headers['x-workspace-id'] = workspaceId;
  }
  let response: Response;
  try {
    response = await fetch(path, { headers, credentials: 'include' });
  } catch (error) {
    toast({ tone: 'error', title: 'Download failed', description: String(error) });
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const error = toApiError(body, response);
    toast({ tone: 'error', title: 'Download failed', description: error.message });
    return;
  }
  const blob = await response.blob();
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename="([^"]+)"/.exec(disposition)?.[1] ?? filename;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = named;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
