import { type SQL, sql } from 'drizzle-orm';

/**
 * Size classes of a claimed account's normalized name, in pg_trgm trigrams
 * (`array_length(show_trgm(match_name), 1)`), each with its own partial trigram index
 * (accounts/schema.ts). Knowing the size of a stored name lets the conflict check ask the index
 * for a tighter overlap than pg_trgm can on its own (registrations/conflict-check.ts
 * `similarNameCandidates`). The last class is open-ended.
 */
export const NAME_SIZE_CLASSES: readonly (readonly [number, number | null])[] = [
  [1, 14],
  [15, 18],
  [19, 22],
  [23, null],
];

/** The partial-index predicate of a size class, on `match_name` (a column or a qualified one). */
export const nameSizeClassPredicate = (matchName: SQL, [low, high]: readonly [number, number | null]): SQL =>
  high === null
    ? sql`array_length(show_trgm(${matchName}), 1) >= ${sql.raw(String(low))}`
    : sql`array_length(show_trgm(${matchName}), 1) between ${sql.raw(String(low))} and ${sql.raw(String(high))}`;
