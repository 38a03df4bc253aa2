import { z } from '@hono/zod-openapi';
import { pageOf } from '../../platform/pagination.ts';
import { ZInvitePartnerUserRequest, ZPartnerKind, ZPartnerRole } from '../partners/contract.ts';
import { ZPartnerType } from '../programs/contract.ts';

// Partner-facing shapes: exactly the fields platform/visibility.ts lets partners see.
export const ZPortalPartner = z
  .object({ id: z.string(), name: z.string(), kind: ZPartnerKind, website: z.string().nullable(), country: z.string().nullable(), type: ZPartnerType })
  .openapi('PortalPartner');

export const ZPortalMe = z
  .object({
    partner: ZPortalPartner,
    role: ZPartnerRole,
    workspaceName: z.string(),
    user: z.object({ name: z.string(), email: z.string() }),
    memberships: z.array(z.object({ partnerId: z.string(), partnerName: z.string(), workspaceName: z.string() })),
  })
  .openapi('PortalMe');

export const ZPortalProgram = z
  .object({
    id: z.string(),
    name: z.string(),
    partnerType: ZPartnerType,
    description: z.string(),
    terms: z.string(),
    currency: z.string(),
    enrolledAt: z.string(),
    tier: z.object({ name: z.string(), rank: z.number().int() }).nullable().openapi({ description: 'Your tier in this program (rank 1 = entry level)' }),
  })
  .openapi('PortalProgram');
export const ZPortalProgramPage = pageOf(ZPortalProgram, 'PortalProgramPage');

export const ZPortalTeamMember = z
  .object({ id: z.string(), name: z.string(), email: z.string(), role: ZPartnerRole, status: z.enum(['invited', 'active']) })
  .openapi('PortalTeamMember');
export const ZPortalTeamPage = pageOf(ZPortalTeamMember, 'PortalTeamPage');
export const ZPortalInviteRequest = ZInvitePartnerUserRequest.openapi('PortalInviteRequest');
