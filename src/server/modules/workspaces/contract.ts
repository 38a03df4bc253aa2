import { z } from '@hono/zod-openapi';
import { WORKSPACE_ROLES } from '../../platform/context.ts';
import { PERMISSIONS } from '../../platform/permissions.ts';
import { pageOf } from '../../platform/pagination.ts';

export const ZWorkspaceRole = z.enum(WORKSPACE_ROLES).openapi('WorkspaceRole');
const ZTime = z.string().openapi({ format: 'date-time' });
const ZEmail = z.string().trim().toLowerCase().pipe(z.email('must be an email address')).openapi({ example: 'sam@example.com' });

export const ZWorkspace = z
  .object({ id: z.string(), name: z.string(), timeZone: z.string(), isDemo: z.boolean(), createdAt: ZTime })
  .openapi('Workspace');

const ZTimeZone = z
  .string()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris')
  .openapi({ example: 'Europe/Paris' });

export const ZCreateWorkspaceRequest = z
  .object({ name: z.string().trim().min(2, 'must be at least 2 characters').max(120), timeZone: ZTimeZone.optional() })
  .openapi('CreateWorkspaceRequest');
export const ZUpdateWorkspaceRequest = z
  .object({ name: z.string().trim().min(2).max(120).optional(), timeZone: ZTimeZone.optional() })
  .openapi('UpdateWorkspaceRequest');

export const ZMe = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    workspaces: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        role: ZWorkspaceRole,
        isDemo: z.boolean(),
        permissions: z.array(z.enum(PERMISSIONS)).openapi({ description: 'What your role allows here (the server enforces it on every route)' }),
      }),
    ),
    partnerMemberships: z.array(
      z.object({ partnerUserId: z.string(), partnerId: z.string(), partnerName: z.string(), workspaceId: z.string(), workspaceName: z.string(), role: z.string() }),
    ),
  })
  .openapi('Me');

export const ZMember = z
  .object({ id: z.string(), userId: z.string(), name: z.string(), email: z.string(), role: ZWorkspaceRole, createdAt: ZTime })
  .openapi('Member');
export const ZMemberPage = pageOf(ZMember, 'MemberPage');
export const ZUpdateMemberRequest = z.object({ role: ZWorkspaceRole }).openapi('UpdateMemberRequest');

export const ZInvitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: ZWorkspaceRole,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: ZTime,
    createdAt: ZTime,
  })
  .openapi('Invitation');
export const ZInvitationPage = pageOf(ZInvitation, 'InvitationPage');
export const ZCreateInvitationRequest = z.object({ email: ZEmail, role: ZWorkspaceRole }).openapi('CreateInvitationRequest');
export const ZInvitationPreview = z
  .object({ workspaceName: z.string(), email: z.string(), role: ZWorkspaceRole, status: ZInvitation.shape.status })
  .openapi('InvitationPreview');

export const ZApiKey = z
  .object({ id: z.string(), name: z.string(), role: ZWorkspaceRole, prefix: z.string(), createdAt: ZTime, lastUsedAt: ZTime.nullable() })
  .openapi('ApiKey');
export const ZApiKeyPage = pageOf(ZApiKey, 'ApiKeyPage');
export const ZCreateApiKeyRequest = z.object({ name: z.string().trim().min(1).max(80), role: ZWorkspaceRole }).openapi('CreateApiKeyRequest');
export const ZCreateApiKeyResponse = z
  .object({ apiKey: ZApiKey, secret: z.string().openapi({ description: 'Shown once; only its hash is stored' }) })
  .openapi('CreateApiKeyResponse');
