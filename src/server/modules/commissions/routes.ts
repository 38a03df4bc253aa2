import { defineRoute, newRouter, portalCtx, workspaceCtx } from '../../platform/http.ts';
import { ZIdParam, conflictResponse, errorResponses, jsonBody, jsonResponse, noContent } from '../../platform/openapi-common.ts';
import {
  ZAccrualRunResult,
  ZAdjustmentRequest,
  ZApproveEntryRequest,
  ZBulkApproveRequest,
  ZBulkApproveResult,
  ZCloseRebatesRequest,
  ZCloseRebatesResult,
  ZCommissionEntryDetail,
  ZCommissionEntryPage,
  ZCommissionPlan,
  ZCommissionPlanPage,
  ZCreatePlanRequest,
  ZLedgerFilterQuery,
  ZLedgerListQuery,
  ZLedgerTotalsList,
  ZPartnerEarningPage,
  ZPartnerEarningTotals,
  ZPartnerEarningsQuery,
  ZPlanListQuery,
  ZReasonRequest,
  ZUpdatePlanRequest,
} from './contract.ts';
import * as service from './service.ts';

const planTags = ['Commission plans'];
const tags = ['Commissions'];
const portalTags = ['Portal'];

/** Commission plans, the commission ledger and its review. */
export function commissionRoutes() {
  const r = newRouter();

  // ── Plans ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:read' }, {
      method: 'get', path: '/commission-plans', tags: planTags, summary: 'List commission plan versions (newest first)',
      request: { query: ZPlanListQuery },
      responses: { 200: jsonResponse(ZCommissionPlanPage, 'A page of plans'), ...errorResponses },
    }),
    async (c) => c.json(await service.listPlans(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:configure' }, {
      method: 'post', path: '/commission-plans', tags: planTags,
      summary: 'Create a plan version for a program (draft, or active at once with `activate`); a bad document answers 422 naming the field',
      request: jsonBody(ZCreatePlanRequest),
      responses: { 201: jsonResponse(ZCommissionPlan, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createPlan(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:read' }, {
      method: 'get', path: '/commission-plans/{id}', tags: planTags, summary: 'Get a plan version',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZCommissionPlan, 'The plan'), ...errorResponses },
    }),
    async (c) => c.json(await service.getPlan(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:configure' }, {
      method: 'patch', path: '/commission-plans/{id}', tags: planTags, summary: 'Edit a draft plan (409 for active or archived versions)',
      request: { params: ZIdParam, ...jsonBody(ZUpdatePlanRequest) },
      responses: { 200: jsonResponse(ZCommissionPlan, 'Updated'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.updatePlan(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:configure' }, {
      method: 'post', path: '/commission-plans/{id}/activate', tags: planTags, summary: "Activate a plan version (archives the program's active plan)",
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZCommissionPlan, 'Active'), ...errorResponses },
    }),
    async (c) => c.json(await service.activatePlan(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:configure' }, {
      method: 'delete', path: '/commission-plans/{id}', tags: planTags, summary: 'Delete a draft plan (409 otherwise)',
      request: { params: ZIdParam },
      responses: { ...noContent, ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      await service.deletePlan(workspaceCtx(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // ── Ledger ──
  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:read' }, {
      method: 'get', path: '/commission-entries', tags, summary: 'The commission ledger, filtered (sort=review puts flagged entries first)',
      request: { query: ZLedgerListQuery },
      responses: { 200: jsonResponse(ZCommissionEntryPage, 'A page of ledger entries'), ...errorResponses },
    }),
    async (c) => c.json(await service.listEntries(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:read' }, {
      method: 'get', path: '/commission-entries/totals', tags, summary: 'Ledger totals per currency for the same filters: accrued = paid + payable + approved + pending + reversed',
      request: { query: ZLedgerFilterQuery },
      responses: { 200: jsonResponse(ZLedgerTotalsList, 'Totals per currency (minor units)'), ...errorResponses },
    }),
    async (c) => c.json(await service.entryTotals(workspaceCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-entries', tags, summary: 'Add a manual adjustment entry (positive or negative; pending review unless `approve`)',
      request: jsonBody(ZAdjustmentRequest),
      responses: { 201: jsonResponse(ZCommissionEntryDetail, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await service.createAdjustment(workspaceCtx(c), c.req.valid('json')), 201),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-entries/bulk-approve', tags, summary: 'Approve several pending entries (clears their flags); others are listed as skipped',
      request: jsonBody(ZBulkApproveRequest),
      responses: { 200: jsonResponse(ZBulkApproveResult, 'What was approved and what was skipped'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await service.bulkApprove(workspaceCtx(c), body.ids, body.note), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:read' }, {
      method: 'get', path: '/commission-entries/{id}', tags, summary: 'One ledger entry with its explanation and related entries (what it reverses, its reversals)',
      request: { params: ZIdParam },
      responses: { 200: jsonResponse(ZCommissionEntryDetail, 'The entry'), ...errorResponses },
    }),
    async (c) => c.json(await service.getEntry(workspaceCtx(c), c.req.valid('param').id), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-entries/{id}/approve', tags, summary: 'Approve a pending entry now (clears its flags; 409 if not pending)',
      request: { params: ZIdParam, ...jsonBody(ZApproveEntryRequest) },
      responses: { 200: jsonResponse(ZCommissionEntryDetail, 'Approved'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.approveEntry(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').note), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-entries/{id}/hold', tags, summary: 'Hold a pending or approved entry for review, with a reason (internal)',
      request: { params: ZIdParam, ...jsonBody(ZReasonRequest) },
      responses: { 200: jsonResponse(ZCommissionEntryDetail, 'Held'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.holdEntry(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-entries/{id}/reverse', tags,
      summary: 'Reverse what is left of an entry, with a reason: before payment the entry becomes reversed; after payment a clawback nets against the next payout',
      request: { params: ZIdParam, ...jsonBody(ZReasonRequest) },
      responses: { 200: jsonResponse(ZCommissionEntryDetail, 'Reversed'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => c.json(await service.reverseEntry(workspaceCtx(c), c.req.valid('param').id, c.req.valid('json').reason), 200),
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-rebates/close', tags, summary: "Close a rebate period of a program (idempotent): one rebate entry per partner that reached a threshold",
      request: jsonBody(ZCloseRebatesRequest),
      responses: { 200: jsonResponse(ZCloseRebatesResult, 'Rebates written'), ...errorResponses, ...conflictResponse },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await service.closeRebates(workspaceCtx(c), body.programId, body.period), 200);
    },
  );

  r.openapi(
    defineRoute({ kind: 'workspace', permission: 'commissions:review' }, {
      method: 'post', path: '/commission-accruals/run', tags, summary: 'Accrue pending conversions and release passed holds now (the schedule does this every minute)',
      responses: { 200: jsonResponse(ZAccrualRunResult, 'What the run did'), ...errorResponses },
    }),
    async (c) => c.json(await service.runAccrual(workspaceCtx(c)), 200),
  );

  // ── Portal ──
  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/earnings', tags: portalTags, summary: 'Your commission ledger lines (newest first), with explanations',
      request: { query: ZPartnerEarningsQuery },
      responses: { 200: jsonResponse(ZPartnerEarningPage, 'A page of your earnings'), ...errorResponses },
    }),
    async (c) => c.json(await service.listMyEarnings(portalCtx(c), c.req.valid('query')), 200),
  );

  r.openapi(
    defineRoute({ kind: 'partner', permission: 'portal:earnings' }, {
      method: 'get', path: '/portal/earnings/totals', tags: portalTags, summary: 'Your totals per currency: pending, approved, in payout, paid',
      responses: { 200: jsonResponse(ZPartnerEarningTotals, 'Totals (minor units)'), ...errorResponses },
    }),
    async (c) => c.json(await service.myEarningTotals(portalCtx(c)), 200),
  );

  return r;
}
