import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import { audit } from '../../platform/audit.ts';
import type { Principal } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import type { SecretBox } from '../../platform/encryption.ts';
import { AppError } from '../../platform/errors.ts';
import { formatMoney } from '../../platform/money.ts';
import { partner } from '../partners/schema.ts';
import { program } from '../programs/schema.ts';
import { workspace } from '../workspaces/schema.ts';
import { type LedgerEntry, entriesOfPayout } from './ledger.ts';
import { loadPayout, statementLabel } from './runs.ts';
import { bpToPercent, csvLine, formatRate, minorToDecimal } from './rules.ts';
import { payout, payoutMethod, payoutRun, taxProfile } from './schema.ts';
import { type BankSecret, settingsRow, txCtx } from './service.ts';

type Ctx = { workspaceId: string; principal: Principal; requestId: string | null; db: Executor };

/** Payouts that have a statement: approved or later (a draft is not a statement yet). */
const STATEMENT_STATUSES = ['approved', 'processing', 'paid', 'failed'];

export function describeEntry(e: LedgerEntry): string {
  const x = e.explanation as Record<string, unknown>;
  for (const key of ['summary', 'description', 'text', 'label']) {
    if (typeof x[key] === 'string' && x[key]) return x[key] as string;
  }
  const parts = [e.kind.replaceAll('_', ' ')];
  if (typeof x.rule === 'string') parts.push(x.rule);
  else if (x.rule && typeof (x.rule as { name?: unknown }).name === 'string') parts.push((x.rule as { name: string }).name);
  if (typeof x.plan === 'string') parts.push(x.plan);
  else if (x.plan && typeof (x.plan as { name?: unknown }).name === 'string') parts.push((x.plan as { name: string }).name);
  return parts.join(' · ');
}

export interface Statement {
  number: string;
  workspaceName: string;
  partnerName: string;
  programName: string;
  status: string;
  periodStart: string | null;
  periodEnd: string;
  paidAt: string | null;
  reference: string | null;
  payoutAmount: bigint;
  payoutCurrency: string;
  sources: Array<{ currency: string; amountMinor: bigint; convertedMinor: bigint; rate: string | null }>;
  carriedIn: Array<{ currency: string; amountMinor: bigint }>;
  entries: LedgerEntry[];
}

/** Assembles the statement of one payout; with `partnerId` only that partner's (portal). */
export async function buildStatement(db: Executor, workspaceId: string, payoutId: string, partnerId?: string): Promise<Statement> {
  const r = await loadPayout(db, workspaceId, payoutId, partnerId);
  if (!STATEMENT_STATUSES.includes(r.p.status) || r.p.statementNumber === null) throw new AppError('not_found', 'Payout statement not found (a statement exists once the run is approved)');
  const [run] = await db.select().from(payoutRun).where(eq(payoutRun.id, r.p.runId));
  const [ws] = await db.select({ name: workspace.name }).from(workspace).where(eq(workspace.id, workspaceId));
  const [prg] = await db.select({ name: program.name }).from(program).where(eq(program.id, r.p.programId));
  const entries = await entriesOfPayout(db, workspaceId, payoutId);
  // Carried in: entries earned before the previous approved run of this program closed.
  const [prev] = (await db
    .select({ periodEnd: sql<string>`max(${payoutRun.periodEnd})` })
    .from(payoutRun)
    .where(
      and(
        eq(payoutRun.workspaceId, workspaceId),
        eq(payoutRun.programId, r.p.programId),
        inArray(payoutRun.status, ['approved', 'processing', 'completed']),
        lt(payoutRun.number, run.number),
      ),
    )) as Array<{ periodEnd: string | null }>;
  const carriedIn = new Map<string, bigint>();
  if (prev?.periodEnd) {
    const cut = new Date(prev.periodEnd).getTime();
    for (const e of entries) if (e.earnedAt.getTime() <= cut) carriedIn.set(e.currency, (carriedIn.get(e.currency) ?? 0n) + e.amountMinor);
  }
  const earliest = entries.reduce<Date | null>((m, e) => (m === null || e.earnedAt < m ? e.earnedAt : m), null);
  return {
    number: statementLabel(r.p.statementNumber) as string,
    workspaceName: ws?.name ?? '',
    partnerName: r.partnerName,
    programName: prg?.name ?? '',
    status: r.p.status,
    periodStart: earliest ? earliest.toISOString().slice(0, 10) : null,
    periodEnd: run.periodEnd.toISOString().slice(0, 10),
    paidAt: r.p.paidAt?.toISOString() ?? null,
    reference: r.p.reference ?? r.p.providerRef,
    payoutAmount: r.p.amountMinor,
    payoutCurrency: r.p.currency,
    sources: r.p.sources.map((s) => ({ currency: s.currency, amountMinor: BigInt(s.amountMinor), convertedMinor: BigInt(s.convertedMinor), rate: s.rateScaled ? formatRate(BigInt(s.rateScaled)) : null })),
    carriedIn: [...carriedIn.entries()].map(([currency, amountMinor]) => ({ currency, amountMinor })),
    entries,
  };
}

export function statementCsv(s: Statement): string {
  let out = csvLine(['statement', s.number]);
  out += csvLine(['vendor', s.workspaceName]);
  out += csvLine(['partner', s.partnerName]);
  out += csvLine(['program', s.programName]);
  out += csvLine(['period', `${s.periodStart ?? ''} – ${s.periodEnd}`]);
  out += csvLine(['status', s.status]);
  out += '\r\n';
  out += csvLine(['date', 'entry_id', 'kind', 'source', 'description', 'base', 'rate', 'amount', 'currency']);
  for (const e of s.entries) {
    out += csvLine([
      e.earnedAt.toISOString().slice(0, 10),
      e.id,
      e.kind,
      e.sourceId ? `${e.sourceType}:${e.sourceId}` : e.sourceType,
      describeEntry(e),
      e.baseMinor === null ? '' : minorToDecimal(e.baseMinor, e.currency),
      e.rateBp === null ? '' : bpToPercent(e.rateBp),
      minorToDecimal(e.amountMinor, e.currency),
      e.currency,
    ]);
  }
  out += '\r\n';
  for (const src of s.sources) {
    out += csvLine(['total', '', '', '', `Entries in ${src.currency}`, '', '', minorToDecimal(src.amountMinor, src.currency), src.currency]);
    if (src.rate) out += csvLine(['fx', '', '', '', `1 ${src.currency} = ${src.rate} ${s.payoutCurrency}`, '', src.rate, minorToDecimal(src.convertedMinor, s.payoutCurrency), s.payoutCurrency]);
  }
  for (const c of s.carriedIn) out += csvLine(['carried_over', '', '', '', 'Included balance carried over from earlier runs', '', '', minorToDecimal(c.amountMinor, c.currency), c.currency]);
  out += csvLine(['payout', '', '', '', 'Payout total', '', '', minorToDecimal(s.payoutAmount, s.payoutCurrency), s.payoutCurrency]);
  return out;
}

const money = (amountMinor: bigint, currency: string) => formatMoney({ amountMinor, currency });

/** A clean statement PDF (pdfkit, built-in Helvetica): header, period, entry table, totals, FX. */
export function statementPdf(s: Statement, options: { compress?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 48, compress: options.compress ?? true, info: { Title: `Statement ${s.number}`, Author: s.workspaceName } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const left = 48;
    const width = doc.page.width - 96;
    doc.font('Helvetica-Bold').fontSize(18).text(s.workspaceName, left, 48);
    doc.font('Helvetica').fontSize(10).fillColor('#555').text('Commission statement', { continued: false });
    doc.moveDown(0.8);
    doc.fillColor('#000').fontSize(10);
    const meta: Array<[string, string]> = [
      ['Statement', s.number],
      ['Partner', s.partnerName],
      ['Program', s.programName],
      ['Period', `${s.periodStart ?? '—'} to ${s.periodEnd}`],
      ['Status', s.status === 'paid' ? `Paid ${s.paidAt?.slice(0, 10) ?? ''}` : s.status],
    ];
    if (s.reference) meta.push(['Reference', s.reference]);
    for (const [k, v] of meta) {
      doc.font('Helvetica-Bold').text(`${k}: `, left, doc.y, { continued: true }).font('Helvetica').text(v);
    }
    doc.moveDown(1);
    const cols = [
      { title: 'Date', w: 62 },
      { title: 'Source', w: 92 },
      { title: 'Description', w: width - 62 - 92 - 70 - 48 - 80 },
      { title: 'Base', w: 70, right: true },
      { title: 'Rate', w: 48, right: true },
      { title: 'Amount', w: 80, right: true },
    ];
    const row = (values: string[], bold = false) => {
      if (doc.y > doc.page.height - 96) doc.addPage();
      const y = doc.y;
      let x = left;
      let h = 0;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
      values.forEach((v, i) => {
        const c = cols[i];
        doc.text(v, x, y, { width: c.w - 4, align: c.right ? 'right' : 'left' });
        h = Math.max(h, doc.y - y);
        x += c.w;
      });
      doc.y = y + h + 3;
      doc.x = left;
    };
    row(
      cols.map((c) => c.title),
      true,
    );
    doc.moveTo(left, doc.y).lineTo(left + width, doc.y).strokeColor('#999').stroke();
    doc.moveDown(0.3);
    for (const e of s.entries) {
      row([
        e.earnedAt.toISOString().slice(0, 10),
        e.sourceId ? `${e.sourceType} ${e.sourceId}` : e.sourceType,
        describeEntry(e),
        e.baseMinor === null ? '' : money(e.baseMinor, e.currency),
        e.rateBp === null ? '' : bpToPercent(e.rateBp),
        money(e.amountMinor, e.currency),
      ]);
    }
    doc.moveTo(left, doc.y).lineTo(left + width, doc.y).strokeColor('#999').stroke();
    doc.moveDown(0.6);
    doc.fontSize(10);
    const total = (label: string, value: string, bold = false) => {
      if (doc.y > doc.page.height - 80) doc.addPage();
      const y = doc.y;
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').text(label, left, y, { width: width - 140 });
      doc.text(value, left + width - 140, y, { width: 140, align: 'right' });
      doc.x = left;
    };
    for (const src of s.sources) {
      total(`Entries in ${src.currency} (${s.entries.filter((e) => e.currency === src.currency).length})`, money(src.amountMinor, src.currency));
      if (src.rate) total(`Converted at 1 ${src.currency} = ${src.rate} ${s.payoutCurrency}`, money(src.convertedMinor, s.payoutCurrency));
    }
    for (const c of s.carriedIn) total('Includes balance carried over from earlier runs', money(c.amountMinor, c.currency));
    doc.moveDown(0.3);
    total('Payout total', money(s.payoutAmount, s.payoutCurrency), true);
    doc.moveDown(2);
    doc.font('Helvetica').fontSize(8).fillColor('#777').text(`Amounts are exact to the minor unit. Generated by OpenPRM for ${s.workspaceName}.`, left, doc.y, { width });
    doc.end();
  });
}

// ────────────────────────────── Bank / Wise batch file ──────────────────────────────

export const WISE_COLUMNS = [
  'name', 'recipientEmail', 'paymentReference', 'receiverType', 'amountCurrency', 'amount', 'sourceCurrency', 'targetCurrency',
  'IBAN', 'BIC', 'accountNumber', 'abartn', 'sortCode', 'addressCountryCode',
] as const;

/** Wise bulk-transfer CSV of the run's bank payouts: amounts as exact decimals from minor units. Audited. */
export async function bankExportCsv(ctx: Ctx, secrets: SecretBox, runId: string): Promise<{ filename: string; csv: string }> {
  const [run] = await ctx.db.select().from(payoutRun).where(and(eq(payoutRun.workspaceId, ctx.workspaceId), eq(payoutRun.id, runId)));
  if (!run) throw new AppError('not_found', 'Payout run not found');
  const settings = await settingsRow(ctx.db, ctx.workspaceId);
  const rows = await ctx.db
    .select({ p: payout, partnerName: partner.name, method: payoutMethod })
    .from(payout)
    .innerJoin(partner, eq(partner.id, payout.partnerId))
    .leftJoin(payoutMethod, and(eq(payoutMethod.workspaceId, payout.workspaceId), eq(payoutMethod.partnerId, payout.partnerId)))
    .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.runId, runId), eq(payout.methodType, 'bank'), inArray(payout.status, ['approved', 'processing', 'failed'])))
    .orderBy(partner.name);
  let csv = csvLine([...WISE_COLUMNS]);
  for (const r of rows) {
    const d = r.method?.details ?? {};
    const secret: BankSecret = r.method?.secretEnc ? (JSON.parse(secrets.decrypt(r.method.secretEnc, 'bank_account')) as BankSecret) : {};
    const routing = secret.routingNumber ?? '';
    csv += csvLine([
      d.holderName ?? r.partnerName,
      secret.email ?? '',
      `${statementLabel(r.p.statementNumber)} ${r.partnerName}`.slice(0, 35),
      d.receiverType ?? 'BUSINESS',
      r.p.currency,
      minorToDecimal(r.p.amountMinor, r.p.currency),
      settings?.bankSourceCurrency ?? r.p.currency,
      r.p.currency,
      secret.iban ?? '',
      d.bic ?? '',
      secret.accountNumber ?? '',
      d.country === 'US' ? routing : '',
      d.country === 'GB' ? routing : '',
      d.country ?? '',
    ]);
  }
  await ctx.db.transaction(async (tx) => {
    await audit(txCtx(ctx, tx), { action: 'payout_run.bank_file_exported', entityType: 'payout_run', entityId: runId, changes: { payouts: rows.length } });
  });
  return { filename: `payout-run-${run.number}-bank.csv`, csv };
}

// ────────────────────────────── 1099 ──────────────────────────────

/**
 * Year-end 1099-style totals: US payees (W-9) whose paid USD total in the calendar year is at
 * least the threshold, with the full tax id (decrypted only here; the export is audited).
 */
export async function export1099(ctx: Ctx, secrets: SecretBox, q: { year: number; thresholdMinor: number }): Promise<{ filename: string; csv: string; count: number }> {
  const from = new Date(Date.UTC(q.year, 0, 1));
  const to = new Date(Date.UTC(q.year + 1, 0, 1));
  const totals = await ctx.db
    .select({ partnerId: payout.partnerId, total: sql<string>`sum(${payout.amountMinor})::text` })
    .from(payout)
    .where(and(eq(payout.workspaceId, ctx.workspaceId), eq(payout.status, 'paid'), eq(payout.currency, 'USD'), gte(payout.paidAt, from), lt(payout.paidAt, to)))
    .groupBy(payout.partnerId);
  const eligible = totals.filter((t) => BigInt(t.total) >= BigInt(q.thresholdMinor));
  const profiles = eligible.length
    ? await ctx.db
        .select({ t: taxProfile, partnerName: partner.name })
        .from(taxProfile)
        .innerJoin(partner, eq(partner.id, taxProfile.partnerId))
        .where(and(eq(taxProfile.workspaceId, ctx.workspaceId), inArray(taxProfile.partnerId, eligible.map((e) => e.partnerId)), eq(taxProfile.country, 'US')))
    : [];
  let csv = csvLine(['partner_id', 'partner', 'legal_name', 'entity_type', 'tax_id', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country', 'total_paid', 'currency', 'profile_status']);
  const sorted = profiles.sort((a, b) => (a.t.legalName ?? '').localeCompare(b.t.legalName ?? ''));
  for (const { t, partnerName } of sorted) {
    const total = BigInt(eligible.find((e) => e.partnerId === t.partnerId)?.total ?? '0');
    const a = t.address;
    csv += csvLine([
      t.partnerId,
      partnerName,
      t.legalName,
      t.entityType,
      t.taxIdEnc ? secrets.decrypt(t.taxIdEnc, 'tax_id') : '',
      a?.line1,
      a?.line2,
      a?.city,
      a?.region,
      a?.postalCode,
      a?.country,
      minorToDecimal(total, 'USD'),
      'USD',
      t.status,
    ]);
  }
  await ctx.db.transaction(async (tx) => {
    await audit(txCtx(ctx, tx), { action: 'tax.1099_exported', entityType: 'tax_export', entityId: `1099-${q.year}`, changes: { year: q.year, thresholdMinor: q.thresholdMinor, payees: sorted.length } });
  });
  return { filename: `1099-${q.year}.csv`, csv, count: sorted.length };
}
