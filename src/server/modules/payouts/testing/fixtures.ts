import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { commissionEntry } from '../../commissions/schema.ts';

/** Test helper: writes ledger rows the way the commissions module would (approved, ready to pay). */
export async function addEntry(
  db: Db,
  e: { workspaceId: string; programId: string; partnerId: string; amountMinor: bigint; currency?: string; status?: string; kind?: string; earnedAt?: Date; baseMinor?: bigint | null; rateBp?: number | null; summary?: string },
): Promise<string> {
  const id = newId('commissionEntry');
  const earnedAt = e.earnedAt ?? new Date(Date.now() - 86_400_000);
  await db.insert(commissionEntry).values({
    id,
    workspaceId: e.workspaceId,
    programId: e.programId,
    partnerId: e.partnerId,
    kind: e.kind ?? (e.amountMinor < 0n ? 'clawback' : 'commission'),
    sourceType: 'conversion',
    sourceId: newId('conversion'),
    idempotencyKey: `test:${id}`,
    baseMinor: e.baseMinor ?? null,
    rateBp: e.rateBp ?? null,
    amountMinor: e.amountMinor,
    currency: e.currency ?? 'USD',
    status: e.status ?? 'approved',
    explanation: { summary: e.summary ?? `${e.amountMinor < 0n ? 'Clawback' : 'Commission'} on sale ${id.slice(-6)}` },
    earnedAt,
    approvedAt: e.status === 'pending' ? null : earnedAt,
  });
  return id;
}

export async function entryStates(db: Db, ids: string[]) {
  const rows = await db.select({ id: commissionEntry.id, status: commissionEntry.status, payoutId: commissionEntry.payoutId, paidAt: commissionEntry.paidAt }).from(commissionEntry).where(inArray(commissionEntry.id, ids));
  return Object.fromEntries(rows.map((r) => [r.id, r]));
}

export async function entryStatus(db: Db, id: string) {
  const [row] = await db.select({ status: commissionEntry.status, payoutId: commissionEntry.payoutId }).from(commissionEntry).where(eq(commissionEntry.id, id));
  return row;
}

/** A payout run with one payout for `partnerId` (approved when asked), for the tenancy tests. */
export async function payoutFixture(
  t: import('../../../test/harness.ts').TestApp,
  as: { cookie?: string; workspaceId?: string },
  ids: { workspaceId: string; programId: string; partnerId: string },
  approve = false,
): Promise<{ runId: string; payoutId: string }> {
  const { call } = await import('../../../test/harness.ts');
  await addEntry(t.services.db, { ...ids, amountMinor: 12_345n });
  const run = await call(t, 'POST', '/api/v1/payout-runs', { ...as, body: { programId: ids.programId } });
  if (run.status !== 201) throw new Error(`payout run failed: ${JSON.stringify(run.body)}`);
  if (approve) await call(t, 'POST', `/api/v1/payout-runs/${run.body.id}/approve`, as);
  const payoutId = run.body.payouts.find((p: { partnerId: string }) => p.partnerId === ids.partnerId).id as string;
  return { runId: run.body.id as string, payoutId };
}
