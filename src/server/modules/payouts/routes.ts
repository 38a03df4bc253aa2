import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type AppEnv, defineRoute, newRouter, portalCtx, services, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse } from '../../platform/openapi-common.ts';
import { ZPageQuery } from '../../platform/pagination.ts';
import {
  ZCreateFxRateRequest,
  ZCreatePayoutRunRequest,
  ZFxRate,
  ZFxRateList,
  ZMarkPaidRequest,
  ZPayout,
  ZPayoutListQuery,
  ZPayoutMethodOrNull,
  ZPayoutPage,
  ZPayoutRunDetail,
  ZPayoutRunListQuery,
  ZPayoutRunPage,
  ZPayoutSchedule,
  ZPayoutScheduleList,
  ZPayoutSettings,
  ZPortalPayoutPage,
  ZPortalPayoutSummary,
  ZPutPayoutMethodRequest,
  ZPutPayoutScheduleRequest,
  ZPutPayoutSettingsRequest,
  ZPutTaxProfileRequest,
  ZOpenDisputeRequest,
  ZPortalStatementDispute,
  ZPortalStatementDisputePage,
  ZRejectDisputeRequest,
  ZResolveDisputeRequest,
  ZStatementDispute,
  ZStatementDisputeListQuery,
  ZStatementDisputePage,
  ZTax1099Query,
  ZTaxProfileResponse,
} from './contract.ts';
import { ZPartnerEarningPage } from '../commissions/contract.ts';
import * as disputes from './disputes.ts';
import * as portal from './portal.ts';
import * as runs from './runs.ts';
import * as service from './service.ts';
import { bankExportCsv, buildStatement, export1099, statementCsv, statementPdf } from './statements.ts';

const tags = ['Payouts'];
const settingsTags = ['Payout settings'];
const taxTags = ['Tax'];
const portalTags = ['Portal: payouts'];
const disputeTags = ['Statement disputes'];

const csvResponse = (description: string) => ({ content: { 'text/csv': { schema: z.string() } }, description });
const pdfResponse = (description: string) => ({ content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } }, description });

function download(c: Context<AppEnv>, body: string | Buffer, type: string, filename: string) {
  return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200, {
    'content-type': type,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  });
}

/** FX rates, payout schedules, payout runs, statements and tax profiles. */
export function payoutRoutes() {
  const r = newRouter();

  // ── FX rates ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/fx-rates', tags: settingsTags, summary: 'Exchange rates (1 base = rate quote), newest effective date first per pair',
      responses: { 200: jsonResponse(ZFxRateList, 'Rates'), ...errorResponses },
    }),
    async (c) => c.json(await service.listFxRates(workspaceCtx(c)), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/fx-rates', tags: settingsTags, summary: 'Add a rate effective from a date (exact decimal string, up to 8 decimals; audited)',
      request: jsonBody(ZCreateFxRateRequest),
      responses: { 201: jsonResponse(ZFxRate, 'Created'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.createFxRate(workspaceCtx(c), c.req.valid('json')), 201),
  );

  // ── Schedules ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-schedules', tags: settingsTags, summary: "Every program's payout schedule with its next payout date in the workspace time zone",
      responses: { 200: jsonResponse(ZPayoutScheduleList, 'Schedules'), ...errorResponses },
    }),
    async (c) => c.json(await service.listSchedules(workspaceCtx(c)), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/programs/{id}/payout-schedule', tags: settingsTags, summary: "A program's payout schedule (the default when none is set)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayoutSchedule, 'Schedule'), ...errorResponses },
    }),
    async (c) => c.json(await service.getSchedule(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'put', path: '/programs/{id}/payout-schedule', tags: settingsTags,
      summary: 'Set the cadence (monthly on day N, semi-monthly 15th + last day, weekly), minimum threshold, currency mode and tax hold',
      request: { params: ZIdParam, ...jsonBody(ZPutPayoutScheduleRequest) },
      responses: { 200: jsonResponse(ZPayoutSchedule, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await service.putSchedule(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  // ── Settings ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-settings', tags: settingsTags, summary: 'Provider credentials (secrets never returned) and the four-eyes rule',
      responses: { 200: jsonResponse(ZPayoutSettings, 'Settings'), ...errorResponses },
    }),
    async (c) => c.json(await service.getSettings(workspaceCtx(c), services(c).secrets), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:approve' }, {
      method: 'put', path: '/payout-settings', tags: settingsTags, summary: 'Update provider credentials (stored encrypted) and the four-eyes rule; omitted fields stay',
      request: jsonBody(ZPutPayoutSettingsRequest),
      responses: { 200: jsonResponse(ZPayoutSettings, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await service.putSettings(workspaceCtx(c), services(c).secrets, c.req.valid('json')), 200),
  );

  // ── Partner payout details (vendor view, masked) ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/partners/{id}/payout-method', tags, summary: "The partner's payout method (bank details masked)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayoutMethodOrNull, 'Method or null'), ...errorResponses },
    }),
    async (c) => c.json(await service.getPartnerMethod(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/partners/{id}/tax-profile', tags: taxTags, summary: "The partner's tax profile (tax id masked) and whether it is complete",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZTaxProfileResponse, 'Profile or null'), ...errorResponses },
    }),
    async (c) => c.json(await service.getPartnerTaxProfile(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  // ── Runs ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-runs', tags, summary: 'Payout runs, newest first',
      request: { query: ZPayoutRunListQuery },
      responses: { 200: jsonResponse(ZPayoutRunPage, 'A page of runs'), ...errorResponses },
    }),
    async (c) => c.json(await runs.listRuns(workspaceCtx(c), c.req.valid('query')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payout-runs', tags,
      summary: "Compute a draft run for a program: approved entries per partner (clawbacks net), threshold carry-over, tax holds, FX (409 when there is nothing to pay; 422 names a missing rate)",
      request: jsonBody(ZCreatePayoutRunRequest),
      responses: { 201: jsonResponse(ZPayoutRunDetail, 'Draft'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.createRun(workspaceCtx(c), c.req.valid('json')), 201),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-runs/{id}', tags, summary: 'A run with its payouts (carried-over and held lines included)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayoutRunDetail, 'The run'), ...errorResponses },
    }),
    async (c) => c.json(await runs.getRun(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:approve' }, {
      method: 'post', path: '/payout-runs/{id}/approve', tags,
      summary: 'Approve a draft (finance): entries become payable and statements are numbered (409 names the allowed transitions; 403 under the four-eyes rule for the creator)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayoutRunDetail, 'Approved'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.approveRun(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payout-runs/{id}/execute', tags,
      summary:
        'Start paying an approved run (202): the run moves to processing and its payouts are sent in the background — Stripe Connect transfers and PayPal payouts; bank and manual ones wait for "mark as paid". Follow progress with GET /payout-runs/{id}',
      request: { params: ZIdParam },
      responses: { 202: jsonResponse(ZPayoutRunDetail, 'Processing: the payouts are being sent'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.executeRun(workspaceCtx(c), c.req.valid('param').id), 202),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payout-runs/{id}/cancel', tags, summary: 'Cancel a draft (its entries stay approved for the next run)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayoutRunDetail, 'Cancelled'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.cancelRun(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'get', path: '/payout-runs/{id}/bank-file', tags, summary: "Wise bulk-transfer CSV of the run's bank payouts (exact decimal amounts; audited)",
      request: { params: ZIdParam },
      responses: { 200: csvResponse('CSV'), ...errorResponses },
    }),
    async (c) => {
      const file = await bankExportCsv(workspaceCtx(c), services(c).secrets, c.req.valid('param').id);
      return download(c, file.csv, 'text/csv; charset=utf-8', file.filename);
    },
  );

  // ── Payouts ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payouts', tags, summary: 'Payouts across runs, newest first',
      request: { query: ZPayoutListQuery },
      responses: { 200: jsonResponse(ZPayoutPage, 'A page of payouts'), ...errorResponses },
    }),
    async (c) => c.json(await runs.listPayouts(workspaceCtx(c), c.req.valid('query')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payouts/{id}', tags, summary: 'A payout with its status, attempt, idempotency key and failure reason',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayout, 'The payout'), ...errorResponses },
    }),
    async (c) => c.json(await runs.getPayout(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payouts/{id}/retry', tags,
      summary: 'Retry a failed payout (same idempotency key when the outcome was unknown, so it never pays twice)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayout, 'Retried'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.retryPayout(workspaceCtx(c), { secrets: services(c).secrets }, c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payouts/{id}/refresh', tags, summary: 'Read a PayPal batch back now (a job also polls every 10 minutes)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayout, 'Refreshed'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.refreshPayout(workspaceCtx(c), { secrets: services(c).secrets }, c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:approve' }, {
      method: 'post', path: '/payouts/{id}/mark-paid', tags, summary: 'Mark a payout paid outside the providers (bank file, manual) with a reference',
      request: { params: ZIdParam, ...jsonBody(ZMarkPaidRequest) },
      responses: { 200: jsonResponse(ZPayout, 'Paid'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.markPayoutPaid(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').reference), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:manage' }, {
      method: 'post', path: '/payouts/{id}/cancel', tags, summary: 'Take an unpaid payout out of its run; its entries return to approved',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZPayout, 'Cancelled'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await runs.cancelPayout(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payouts/{id}/statement.csv', tags, summary: 'The payout statement as CSV (every commission entry, totals, FX, carry-over)',
      request: { params: ZIdParam },
      responses: { 200: csvResponse('CSV'), ...errorResponses },
    }),
    async (c) => {
      const s = await buildStatement(workspaceCtx(c).db, workspaceCtx(c).workspaceId, c.req.valid('param').id);
      return download(c, statementCsv(s), 'text/csv; charset=utf-8', `statement-${s.number}.csv`);
    },
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payouts/{id}/statement.pdf', tags, summary: 'The payout statement as PDF',
      request: { params: ZIdParam },
      responses: { 200: pdfResponse('PDF'), ...errorResponses },
    }),
    async (c) => {
      const s = await buildStatement(workspaceCtx(c).db, workspaceCtx(c).workspaceId, c.req.valid('param').id);
      return download(c, await statementPdf(s), 'application/pdf', `statement-${s.number}.pdf`);
    },
  );

  // ── Tax ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'tax:read' }, {
      method: 'get', path: '/tax/1099.csv', tags: taxTags,
      summary: 'Year-end 1099-style CSV: US payees paid at least the threshold (default $600) in the calendar year, with full tax ids (audited)',
      request: { query: ZTax1099Query },
      responses: { 200: csvResponse('CSV'), ...errorResponses },
    }),
    async (c) => {
      const file = await export1099(workspaceCtx(c), services(c).secrets, c.req.valid('query'));
      return download(c, file.csv, 'text/csv; charset=utf-8', file.filename);
    },
  );

  // ── Portal ──
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payouts/summary', tags: portalTags, summary: 'Next payout dates, balances by status, tax profile and payout method status',
      responses: { 200: jsonResponse(ZPortalPayoutSummary, 'Summary'), ...errorResponses },
    }),
    async (c) => c.json(await portal.mySummary(portalCtx(c)), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payouts', tags: portalTags, summary: 'My payouts with their status and statement numbers',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZPortalPayoutPage, 'A page of payouts'), ...errorResponses },
    }),
    async (c) => c.json(await portal.myPayouts(portalCtx(c), c.req.valid('query')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payouts/{id}/lines', tags: portalTags, summary: 'The lines of my statement, newest first, as on the Earnings page (to dispute one of them)',
      request: { params: ZIdParam, query: ZPageQuery },
      responses: { 200: jsonResponse(ZPartnerEarningPage, 'A page of statement lines'), ...errorResponses },
    }),
    async (c) => c.json(await portal.myPayoutLines(portalCtx(c), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payouts/{id}/statement.csv', tags: portalTags, summary: 'My statement as CSV',
      request: { params: ZIdParam },
      responses: { 200: csvResponse('CSV'), ...errorResponses },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      const s = await buildStatement(ctx.db, ctx.workspaceId, c.req.valid('param').id, ctx.partnerId);
      return download(c, statementCsv(s), 'text/csv; charset=utf-8', `statement-${s.number}.csv`);
    },
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payouts/{id}/statement.pdf', tags: portalTags, summary: 'My statement as PDF',
      request: { params: ZIdParam },
      responses: { 200: pdfResponse('PDF'), ...errorResponses },
    }),
    async (c) => {
      const ctx = portalCtx(c);
      const s = await buildStatement(ctx.db, ctx.workspaceId, c.req.valid('param').id, ctx.partnerId);
      return download(c, await statementPdf(s), 'application/pdf', `statement-${s.number}.pdf`);
    },
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payout-method', tags: portalTags, summary: 'My payout method (bank details masked)',
      responses: { 200: jsonResponse(ZPayoutMethodOrNull, 'Method or null'), ...errorResponses },
    }),
    async (c) => c.json(await service.getMyMethod(portalCtx(c)), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'put', path: '/portal/payout-method', tags: portalTags, summary: 'Set how we are paid: Stripe Connect account, PayPal email, bank account (stored encrypted) or manual',
      request: jsonBody(ZPutPayoutMethodRequest),
      responses: { 200: jsonResponse(ZPayoutMethodOrNull, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await service.putMyMethod(portalCtx(c), services(c).secrets, c.req.valid('json')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:tax' }, {
      method: 'get', path: '/portal/tax-profile', tags: portalTags, summary: 'My tax profile (tax id masked)',
      responses: { 200: jsonResponse(ZTaxProfileResponse, 'Profile or null'), ...errorResponses },
    }),
    async (c) => c.json(await service.getMyTaxProfile(portalCtx(c)), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:tax' }, {
      method: 'put', path: '/portal/tax-profile', tags: portalTags, summary: 'Fill in the W-9 / W-8BEN style tax profile; saved incomplete until every field is there',
      request: jsonBody(ZPutTaxProfileRequest),
      responses: { 200: jsonResponse(ZTaxProfileResponse, 'Saved'), ...errorResponses },
    }),
    async (c) => c.json(await service.putMyTaxProfile(portalCtx(c), services(c).secrets, c.req.valid('json')), 200),
  );

  // ── Statement disputes ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-disputes', tags: disputeTags, summary: 'Partners\' disputes of their statements, newest first (filter by status, partner, payout)',
      request: { query: ZStatementDisputeListQuery },
      responses: { 200: jsonResponse(ZStatementDisputePage, 'A page of disputes'), ...errorResponses },
    }),
    async (c) => c.json(await disputes.listDisputes(workspaceCtx(c), c.req.valid('query')), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:read' }, {
      method: 'get', path: '/payout-disputes/{id}', tags: disputeTags, summary: 'One statement dispute',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZStatementDispute, 'The dispute'), ...errorResponses },
    }),
    async (c) => c.json(await disputes.getDispute(workspaceCtx(c), c.req.valid('param').id), 200),
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:approve' }, {
      method: 'post', path: '/payout-disputes/{id}/resolve', tags: disputeTags,
      summary: 'Resolve a dispute (finance), optionally with an approved ledger adjustment paid in the partner\'s next payout (409 when it is closed already)',
      request: { params: ZIdParam, ...jsonBody(ZResolveDisputeRequest) },
      responses: { 200: jsonResponse(ZStatementDispute, 'Resolved'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await disputes.closeDispute(workspaceCtx(c), c.req.valid('param').id, { outcome: 'resolved', resolution: body.resolution, adjustment: body.adjustment }), 200);
    },
  );
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'payouts:approve' }, {
      method: 'post', path: '/payout-disputes/{id}/reject', tags: disputeTags, summary: 'Reject a dispute with the reason the partner will read (409 when it is closed already)',
      request: { params: ZIdParam, ...jsonBody(ZRejectDisputeRequest) },
      responses: { 200: jsonResponse(ZStatementDispute, 'Rejected'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await disputes.closeDispute(workspaceCtx(c), c.req.valid('param').id, { outcome: 'rejected', resolution: c.req.valid('json').resolution }), 200),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'post', path: '/portal/payouts/{id}/disputes', tags: portalTags,
      summary: 'Dispute one of my statements, or one line of it (422 names bad fields; 409 when the same question is open already)',
      request: { params: ZIdParam, ...jsonBody(ZOpenDisputeRequest) },
      responses: { 201: jsonResponse(ZPortalStatementDispute, 'Opened'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await disputes.openDispute(portalCtx(c), c.req.valid('param').id, c.req.valid('json')), 201),
  );
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/payout-disputes', tags: portalTags, summary: 'My statement disputes and their outcome, newest first',
      request: { query: ZPageQuery },
      responses: { 200: jsonResponse(ZPortalStatementDisputePage, 'A page of disputes'), ...errorResponses },
    }),
    async (c) => c.json(await disputes.myDisputes(portalCtx(c), c.req.valid('query')), 200),
  );

  return r;
}
