import { z } from '@hono/zod-openapi';
import { createMagicLinkForRedirect } from '../../platform/auth.ts';
import { defineRoute, newRouter, portalCtx, services } from '../../platform/http.ts';
import { conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import { projectForPartner } from '../../platform/visibility.ts';
import { findPartnerInvitation, invitePartnerUser } from '../partners/service.ts';
import { clientAddress } from '../workspaces/routes.ts';
import { ZPortalInviteRequest, ZPortalMe, ZPortalProgramPage, ZPortalTeamMember, ZPortalTeamPage } from './contract.ts';
import * as service from './service.ts';

const tags = ['Portal'];

export function portalRoutes() {
  const r = newRouter();

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:read' }, {
      method: 'get', path: '/portal/me', tags, summary: 'The signed-in partner user, their partner and role',
      responses: { 200: jsonResponse(ZPortalMe, 'You'), ...errorResponses },
    }),
    async (c) => c.json(await service.portalMe(portalCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:read' }, {
      method: 'get', path: '/portal/programs', tags, summary: 'Programs your partner is enrolled in',
      responses: { 200: jsonResponse(ZPortalProgramPage, 'Programs'), ...errorResponses },
    }),
    async (c) => c.json(await service.portalPrograms(portalCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:read' }, {
      method: 'get', path: '/portal/team', tags, summary: "Your partner's team",
      responses: { 200: jsonResponse(ZPortalTeamPage, 'Team'), ...errorResponses },
    }),
    async (c) => c.json(await service.portalTeam(portalCtx(c)), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:team:manage' }, {
      method: 'post', path: '/portal/team/invitations', tags, summary: 'Invite a colleague (partner admins only)',
      request: jsonBody(ZPortalInviteRequest),
      responses: { 201: jsonResponse(ZPortalTeamMember, 'Invited'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      const invited = await invitePartnerUser(ctx, services(c).tokens, ctx.partnerId, c.req.valid('json'));
      return c.json(projectForPartner('partnerUser', invited), 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'public' }, {
      method: 'get', path: '/portal/join/{token}', tags, summary: 'The link in a partner invitation: signs the invitee in and opens the portal',
      request: { params: z.object({ token: z.string().min(10).max(200).openapi({ param: { name: 'token', in: 'path' } }) }) },
      responses: { 302: { description: 'Redirect to the sign-in link, or to the portal sign-in page when the invitation expired' }, 429: errorResponses[400] },
    }),
    async (c) => {
      const s = services(c);
      s.limiters.publicLinks.hit(clientAddress(c));
      const invited = await findPartnerInvitation(s.db, s.tokens, c.req.valid('param').token);
      if (!invited) return c.redirect('/portal/sign-in?invitation=expired', 302);
      const link = await createMagicLinkForRedirect(s.auth, { email: invited.email, name: invited.name }, '/portal', c.req.raw.headers);
      return c.redirect(link, 302);
    },
  );

  return r;
}
