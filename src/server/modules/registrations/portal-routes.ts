import type { OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, defineRoute, portalCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import {
  ZExtension,
  ZPortalCreateRegistrationRequest,
  ZPortalRegistrationDetail,
  ZPortalRegistrationListQuery,
  ZPortalRegistrationPage,
  ZRegistrationForm,
  ZRequestExtensionRequest,
  ZRespondRequest,
  ZRulesOfEngagement,
} from './contract.ts';
import * as portal from './portal.ts';
import { requestExtension } from './protection.ts';
import { toExtension } from './review.ts';

const tags = ['Portal: registrations'];

/** Partner-facing registration endpoints; every response is built through the partner projection. */
export function addPortalRegistrationRoutes(r: OpenAPIHono<AppEnv>) {
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'get', path: '/portal/registrations', tags, summary: 'My registrations, newest first, with the protection countdown',
      request: { query: ZPortalRegistrationListQuery },
      responses: { 200: jsonResponse(ZPortalRegistrationPage, 'A page of registrations'), ...errorResponses },
    }),
    async (c) => c.json(await portal.listMyRegistrations(portalCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'post', path: '/portal/registrations', tags, summary: 'Register a deal (422 lists each missing field; 409 with `existingId` for an open duplicate)',
      request: jsonBody(ZPortalCreateRegistrationRequest),
      responses: { 201: jsonResponse(ZPortalRegistrationDetail, 'Submitted'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await portal.createMyRegistration(portalCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'get', path: '/portal/registrations/{id}', tags, summary: 'One of my registrations',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPortalRegistrationDetail, 'The registration'), ...errorResponses },
    }),
    async (c) => c.json(await portal.getMyRegistration(portalCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'post', path: '/portal/registrations/{id}/extensions', tags, summary: 'Ask for more protection time (granted at once when the program needs no approval)',
      request: { params: ZIdParam, ...jsonBody(ZRequestExtensionRequest) },
      responses: { 201: jsonResponse(ZExtension.omit({ registrationId: true }), 'Requested or granted'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const { registrationId: _omit, ...ext } = toExtension(await requestExtension(portalCtx(c), c.req.valid('param').id, c.req.valid('json').reason));
      return c.json(ext, 201);
    },
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'post', path: '/portal/registrations/{id}/respond', tags, summary: 'Answer an information request; the registration goes back to review',
      request: { params: ZIdParam, ...jsonBody(ZRespondRequest) },
      responses: { 200: jsonResponse(ZPortalRegistrationDetail, 'Back in review'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await portal.respondMine(portalCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:registrations' }, {
      method: 'get', path: '/portal/programs/{id}/registration-form', tags, summary: "The program's registration fields, for the form",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZRegistrationForm, 'The form'), ...errorResponses },
    }),
    async (c) => c.json(await portal.registrationForm(portalCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:read' }, {
      method: 'get', path: '/portal/programs/{id}/rules-of-engagement', tags, summary: "The program's rules of engagement (sanitized HTML)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZRulesOfEngagement, 'The rules'), ...errorResponses },
    }),
    async (c) => c.json(await portal.rulesOfEngagement(portalCtx(c), c.req.valid('param').id), 200),
  );
}
