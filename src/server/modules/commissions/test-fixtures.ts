import { sql } from 'drizzle-orm';
import { newId } from '../../platform/ids.ts';
import { type TestApp, call } from '../../test/harness.ts';
import { type ConversionInput, effectiveAccrualStatus, recordConversion } from '../tracking/conversions.ts';
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

export async function ledger(t: TestApp, workspaceId: string): Promise<EntryRow[]> {
  return rows<EntryRow>(
    t.services.db,
    sql`select id, partner_id, kind, rule_id, amount_minor::text as amount_minor, currency, status, flags, idempotency_key, reverses_entry_id, conversion_id, explanation
      from commission_entry where workspace_id = ${workspaceId} order by idempotency_key`,
  );
}

export async function accrualStatus(t: TestApp, conversionId: string): Promise<string> {
  const [r] = await rows<{ accrual_status: string }>(t.services.db, sql`select ${effectiveAccrualStatus} as accrual_status from conversion where id = ${conversionId}`);
  return r.accrual_status;
}
