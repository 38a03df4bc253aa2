import { sql } from 'drizzle-orm';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call } from '../../test/harness.ts';
import { type ConversionInput, effectiveAccrualStatus, recordConversion } from '../tracking/conversions.ts';
import { renderStoredExplanations } from './explain.ts';
import { rows } from './ledger.ts';
import type { PlanDocumentInput } from './plan.ts';

type Caller = { cookie?: string; workspaceId?: string; apiKey?: string };

/** Test helpers of the commissions module (not used by the app). */
export async function activePlan(t: TestApp, as: Caller, programId: string, document: PlanDocumentInput | Record<string, unknown>): Promise<string> {
  const res = await call(t, 'POST', '/api/v1/commission-plans', { ...as, body: { programId, document, activate: true } });
  if (res.status !== 201) throw new Error(`plan failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export function conversionInput(over: Partial<ConversionInput>): ConversionInput {
  return {
    kind: 'sale',
    source: 'tracking_api',
    idempotencyKey: newId('conversion'),
    externalRef: null,
    originalRef: null,
    subscriptionRef: null,
    amount: { amountMinor: 10_000n, currency: 'USD' },
    product: null,
    recurring: false,
    occurredAt: new Date(),
    customer: {},
    ...over,
  };
}

export async function record(t: TestApp, workspaceId: string, over: Partial<ConversionInput>) {
  return t.services.db.transaction((tx) => recordConversion(tx, workspaceId, conversionInput(over)));
}

export interface EntryRow {
  id: string;
  partner_id: string;
  kind: string;
  rule_id: string | null;
  amount_minor: string;
  currency: string;
  status: string;
  flags: string[];
  idempotency_key: string;
  reverses_entry_id: string | null;
  conversion_id: string | null;
  explanation: Record<string, unknown>;
}

/** The ledger as stored, each explanation as readers see it (conversion lines are rendered from their facts). */
export async function ledger(t: TestApp, workspaceId: string): Promise<EntryRow[]> {
  const list = await rows<EntryRow & { plan_id: string | null; program_id: string; source_id: string; earned_at: string }>(
    t.services.db,
    sql`select id, partner_id, kind, rule_id, amount_minor::text as amount_minor, currency, status, flags, idempotency_key, reverses_entry_id, conversion_id, explanation,
        plan_id, program_id, source_id, to_char(earned_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as earned_at
      from commission_entry where workspace_id = ${workspaceId} order by idempotency_key`,
  );
  await renderStoredExplanations(t.services.db, list, (r) => ({
    planId: r.plan_id,
    ruleId: r.rule_id,
    kind: r.kind,
    sourceId: r.source_id,
    partnerId: r.partner_id,
    programId: r.program_id,
    currency: r.currency,
    amountMinor: r.amount_minor,
    earnedAt: r.earned_at,
  }));
  return list.map(({ plan_id, program_id, source_id, earned_at, ...r }) => r);
}

export async function accrualStatus(t: TestApp, conversionId: string): Promise<string> {
  const [r] = await rows<{ accrual_status: string }>(t.services.db, sql`select ${effectiveAccrualStatus} as accrual_status from conversion where id = ${conversionId}`);
  return r.accrual_status;
}
