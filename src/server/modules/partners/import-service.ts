import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { audit } from '../../platform/audit.ts';
import type { Principal, WorkspaceContext } from '../../platform/context.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { authUser } from '../../platform/schema.ts';
import { program } from '../programs/schema.ts';
import { member } from '../workspaces/schema.ts';
import { type ImportLookups, type ImportRow, validatePartnerCsv } from './csv-import.ts';
import { enrollment, partner, partnerImport } from './schema.ts';

export const PARTNER_IMPORT_COMMITTED = 'partner_import.commit_requested';
const BATCH_SIZE = 250;

type ImportRecord = typeof partnerImport.$inferSelect;
const toImport = (r: ImportRecord) => ({
  id: r.id,
  filename: r.filename,
  status: r.status as 'validated' | 'importing' | 'completed' | 'discarded' | 'failed',
  totalRows: r.totalRows,
  validRows: r.validRows,
  invalidRows: r.invalidRows,
  processedRows: r.processedRows,
  importedRows: r.importedRows,
  errors: r.errors,
  createdAt: r.createdAt.toISOString(),
  completedAt: r.completedAt?.toISOString() ?? null,
});

export async function loadImportLookups(db: Db, workspaceId: string): Promise<ImportLookups> {
  const [domains, programs, members] = await Promise.all([
    db
      .select({ domain: partner.domain })
      .from(partner)
      .where(and(eq(partner.workspaceId, workspaceId), isNotNull(partner.domain))),
    db.select({ id: program.id, name: program.name }).from(program).where(eq(program.workspaceId, workspaceId)),
    db
      .select({ id: member.id, email: authUser.email })
      .from(member)
      .innerJoin(authUser, eq(authUser.id, member.userId))
      .where(eq(member.workspaceId, workspaceId)),
  ]);
  return {
    existingDomains: new Set(domains.map((d) => d.domain as string)),
    programsByName: new Map(programs.map((p) => [p.name.toLowerCase(), p.id])),
    membersByEmail: new Map(members.map((m) => [m.email.toLowerCase(), m.id])),
  };
}

/** Step 1: validate the whole file and keep the report; nothing is imported yet. */
export async function createImport(ctx: WorkspaceContext, input: { csv: string; filename?: string }) {
  const result = validatePartnerCsv(input.csv, await loadImportLookups(ctx.db, ctx.workspaceId));
  const id = newId('partnerImport');
  const [row] = await ctx.db
    .insert(partnerImport)
    .values({
      id,
      workspaceId: ctx.workspaceId,
      filename: input.filename ?? null,
      status: 'validated',
      totalRows: result.totalRows,
      validRows: result.rows.length,
      invalidRows: result.totalRows - result.rows.length,
      errors: result.errors,
      rows: result.rows as unknown as Record<string, unknown>[],
      createdByUserId: ctx.principal.kind === 'member' ? ctx.principal.userId : null,
    })
    .returning();
  return toImport(row);
}

export async function getImport(ctx: WorkspaceContext, id: string) {
  const [row] = await ctx.db
    .select()
    .from(partnerImport)
    .where(and(eq(partnerImport.workspaceId, ctx.workspaceId), eq(partnerImport.id, id)));
  if (!row) throw notFound('Import');
  return toImport(row);
}

/** Step 2a: import the valid rows. The work runs as a job; poll the import for progress. */
export async function commitImport(ctx: WorkspaceContext, id: string) {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(partnerImport)
      .set({ status: 'importing' })
      .where(and(eq(partnerImport.workspaceId, ctx.workspaceId), eq(partnerImport.id, id), eq(partnerImport.status, 'validated')))
      .returning();
    if (!row) {
      // Read through `tx`: on the embedded database a query on `ctx.db` would wait for this transaction forever.
      const [current] = await tx
        .select({ status: partnerImport.status })
        .from(partnerImport)
        .where(and(eq(partnerImport.workspaceId, ctx.workspaceId), eq(partnerImport.id, id)));
      if (!current) throw notFound('Import');
      throw new AppError('conflict', `This import is ${current.status}; only a validated import can be committed`);
    }
    if (row.validRows === 0) throw new AppError('conflict', 'The file has no valid rows to import');
    await audit({ ...ctx, db: tx }, { action: 'partner_import.committed', entityType: 'partner_import', entityId: id, changes: { validRows: row.validRows, invalidRows: row.invalidRows } });
    await emit(tx, ctx.workspaceId, PARTNER_IMPORT_COMMITTED, { importId: id, principal: ctx.principal as unknown as Record<string, unknown> });
  });
  return getImport(ctx, id);
}

/** Step 2b: import nothing. */
export async function discardImport(ctx: WorkspaceContext, id: string) {
  const [row] = await ctx.db
    .update(partnerImport)
    .set({ status: 'discarded', rows: [], completedAt: new Date() })
    .where(and(eq(partnerImport.workspaceId, ctx.workspaceId), eq(partnerImport.id, id), eq(partnerImport.status, 'validated')))
    .returning();
  if (!row) {
    const current = await getImport(ctx, id);
    throw new AppError('conflict', `This import is ${current.status}; only a validated import can be discarded`);
  }
  return toImport(row);
}

/**
 * Inserts rows in batches, each row atomically with its enrollment and audit entry. A row
 * that collides with a partner created meanwhile is reported, never half-imported.
 */
export async function insertImportRows(
  db: Db,
  workspaceId: string,
  principal: Principal,
  rows: ImportRow[],
  onProgress: (processed: number, imported: number, newErrors: { line: number; column: string; reason: string }[]) => Promise<void> | void,
  requestId: string | null = null,
): Promise<{ imported: number; errors: { line: number; column: string; reason: string }[] }> {
  let imported = 0;
  const errors: { line: number; column: string; reason: string }[] = [];
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    const batch = rows.slice(start, start + BATCH_SIZE);
    const batchErrors: typeof errors = [];
    for (const r of batch) {
      try {
        await db.transaction(async (tx) => {
          const id = newId('partner');
          await tx.insert(partner).values({
            id,
            workspaceId,
            kind: r.kind,
            name: r.name,
            website: r.website,
            domain: r.domain,
            country: r.country,
            type: r.type,
            tags: r.tags,
            managerMemberId: r.managerMemberId,
          });
          if (r.programId) {
            await tx.insert(enrollment).values({ id: newId('enrollment'), workspaceId, partnerId: id, programId: r.programId, status: 'active' });
          }
          await audit({ workspaceId, principal, requestId, db: tx }, { action: 'partner.imported', entityType: 'partner', entityId: id, changes: { name: r.name, domain: r.domain, line: r.line } });
        });
        imported++;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        batchErrors.push({ line: r.line, column: 'website', reason: `a partner with domain ${r.domain} was created meanwhile` });
      }
    }
    errors.push(...batchErrors);
    await onProgress(Math.min(start + BATCH_SIZE, rows.length), imported, batchErrors);
  }
  return { imported, errors };
}

/** The job behind `commitImport`. Safe to run again: a completed import is skipped. */
export async function runImport(db: Db, importId: string, principal: Principal): Promise<void> {
  const [row] = await db.select().from(partnerImport).where(eq(partnerImport.id, importId));
  if (!row || row.status !== 'importing') return;
  // Resume after a crash: rows already processed were imported or reported.
  const rows = (row.rows as unknown as ImportRow[]).slice(row.processedRows);
  const base = row.processedRows;
  const result = await insertImportRows(db, row.workspaceId, principal, rows, async (processed, imported, newErrors) => {
    await db
      .update(partnerImport)
      .set({
        processedRows: base + processed,
        importedRows: row.importedRows + imported,
        errors: newErrors.length > 0 ? sql`${partnerImport.errors} || ${JSON.stringify(newErrors)}::jsonb` : partnerImport.errors,
      })
      .where(eq(partnerImport.id, importId));
  });
  await db
    .update(partnerImport)
    .set({ status: 'completed', completedAt: new Date(), importedRows: row.importedRows + result.imported, invalidRows: row.invalidRows + result.errors.length })
    .where(eq(partnerImport.id, importId));
}
