import { z } from '@hono/zod-openapi';

export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Page size (1–200, default 50)' }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `nextCursor` of the previous page' }),
});

export function pageOf<T extends Record<string, unknown>>(schema: z.ZodType<T>, name: string) {
  return z
    .object({
      data: z.array(schema),
      nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    })
    .openapi(name);
}

/** Rows were fetched with limit + 1; the extra row only tells that a next page exists. */
export function toPage<R, T>(rows: R[], limit: number, cursorOf: (row: R) => string, map: (row: R) => T): { data: T[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { data: pageRows.map(map), nextCursor: hasMore ? cursorOf(pageRows[pageRows.length - 1]) : null };
}

/** Opaque cursors for non-id sort orders: base64url of a JSON tuple. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
