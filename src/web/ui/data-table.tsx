import { ArrowDown, ArrowUp, ChevronDown, ChevronLeft, ChevronRight, ChevronsUpDown } from 'lucide-react';
import * as React from 'react';
import { cn } from '../lib/cn';
import { Button } from './button';
import { Skeleton } from './skeleton';

export interface Column<T> {
  id: string;
  header: React.ReactNode;
  cell: (row: T) => React.ReactNode;
  /** Server sort key; the header becomes a sort button. */
  sortKey?: string;
  align?: 'left' | 'right';
  className?: string;
  /** Hide on narrow screens. */
  hideOnMobile?: boolean;
}

export interface Pagination {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** 1-based page number, shown between the buttons. */
  page?: number;
}

interface DataTableProps<T> {
  /** Accessible name of the table. */
  label: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  getRowId: (row: T) => string;
  loading?: boolean;
  /** Current sort, e.g. "name" or "-createdAt". */
  sort?: string;
  onSortChange?: (sort: string) => void;
  /** Filter inputs shown above the table. */
  toolbar?: React.ReactNode;
  /** Shown when there are no rows. */
  empty: React.ReactNode;
  pagination?: Pagination;
  /** When set, each row gets a disclosure button and this content below it. */
  renderExpanded?: (row: T) => React.ReactNode;
  className?: string;
}

export function DataTable<T>({
  label,
  columns,
  rows,
  getRowId,
  loading,
  sort,
  onSortChange,
  toolbar,
  empty,
  pagination,
  renderExpanded,
  className,
}: DataTableProps<T>) {
  const [expanded, setExpanded] = React.useState<Set<string>>(new Set());
  const showSkeleton = loading && !rows;
  const columnCount = columns.length + (renderExpanded ? 1 : 0);

  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className={cn('overflow-hidden rounded-xl border border-slate-200 bg-white shadow-card', className)}>
      {toolbar ? (
        <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-4 py-3">{toolbar}</div>
      ) : null}
      <div className="overflow-x-auto" aria-busy={loading || undefined}>
        <table className="w-full min-w-[640px] border-collapse text-sm" aria-label={label}>
          <thead>
            <tr className="border-b border-slate-200 bg-slate-50/80">
              {renderExpanded ? (
                <th scope="col" className="w-10 px-2">
                  <span className="sr-only">Details</span>
                </th>
              ) : null}
              {columns.map((column) => (
                <HeaderCell key={column.id} column={column} sort={sort} onSortChange={onSortChange} />
              ))}
            </tr>
          </thead>
          <tbody className={cn('divide-y divide-slate-100', loading && rows && 'opacity-60 transition-opacity')}>
            {showSkeleton
              ? Array.from({ length: 5 }, (_, rowIndex) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows
                  <tr key={rowIndex}>
                    {Array.from({ length: columnCount }, (_, cellIndex) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: placeholder cells
                      <td key={cellIndex} className="px-4 py-3.5">
                        <Skeleton className={cn('h-4', cellIndex === 0 ? 'w-40' : 'w-20')} />
                      </td>
                    ))}
                  </tr>
                ))
              : rows?.map((row) => {
                  const id = getRowId(row);
                  const isOpen = expanded.has(id);
                  return (
                    <React.Fragment key={id}>
                      <tr className={cn('group transition-colors hover:bg-slate-50/70', isOpen && 'bg-slate-50/70')}>
                        {renderExpanded ? (
                          <td className="px-2 py-2 align-middle">
                            <button
                              type="button"
                              onClick={() => toggle(id)}
                              aria-expanded={isOpen}
                              aria-controls={`${id}-details`}
                              aria-label={isOpen ? 'Hide details' : 'Show details'}
                              className="rounded p-1 text-slate-400 hover:bg-slate-200/60 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-brand-500"
                            >
                              <ChevronDown
                                className={cn('size-4 transition-transform', !isOpen && '-rotate-90')}
                                aria-hidden
                              />
                            </button>
                          </td>
                        ) : null}
                        {columns.map((column) => (
                          <td
                            key={column.id}
                            className={cn(
                              'px-4 py-3 align-middle text-slate-700',
                              column.align === 'right' && 'text-right tabular-nums',
                              column.hideOnMobile && 'hidden md:table-cell',
                              column.className,
                            )}
                          >
                            {column.cell(row)}
                          </td>
                        ))}
                      </tr>
                      {renderExpanded && isOpen ? (
                        <tr id={`${id}-details`} className="bg-slate-50/70">
                          <td colSpan={columnCount} className="px-4 pt-1 pb-4">
                            {renderExpanded(row)}
                          </td>
                        </tr>
                      ) : null}
                    </React.Fragment>
                  );
                })}
          </tbody>
        </table>
      </div>
      {!showSkeleton && rows && rows.length === 0 ? <div className="border-t border-slate-100">{empty}</div> : null}
      {pagination && (pagination.hasNext || pagination.hasPrevious) ? (
        <nav
          aria-label={`${label} pages`}
          className="flex items-center justify-between gap-3 border-t border-slate-100 px-4 py-3"
        >
          <span className="text-[13px] text-slate-500">{pagination.page ? `Page ${pagination.page}` : null}</span>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              size="sm"
              onClick={pagination.onPrevious}
              disabled={!pagination.hasPrevious || loading}
            >
              <ChevronLeft aria-hidden />
              Previous
            </Button>
            <Button variant="secondary" size="sm" onClick={pagination.onNext} disabled={!pagination.hasNext || loading}>
              Next
              <ChevronRight aria-hidden />
            </Button>
          </div>
        </nav>
      ) : null}
    </div>
  );
}

function HeaderCell<T>({
  column,
  sort,
  onSortChange,
}: {
  column: Column<T>;
  sort?: string;
  onSortChange?: (sort: string) => void;
}) {
  const base = cn(
    'px-4 py-2.5 text-left text-xs font-medium tracking-wide whitespace-nowrap text-slate-500 uppercase',
    column.align === 'right' && 'text-right',
    column.hideOnMobile && 'hidden md:table-cell',
    column.className,
  );
  if (!column.sortKey || !onSortChange) {
    return (
      <th scope="col" className={base}>
        {column.header}
      </th>
    );
  }
  const key = column.sortKey;
  const direction = sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : 'none';
  const Icon = direction === 'ascending' ? ArrowUp : direction === 'descending' ? ArrowDown : ChevronsUpDown;
  return (
    <th scope="col" aria-sort={direction} className={base}>
      <button
        type="button"
        onClick={() => onSortChange(direction === 'ascending' ? `-${key}` : key)}
        className={cn(
          '-mx-1 inline-flex items-center gap-1 rounded px-1 py-0.5 uppercase hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-brand-500',
          direction !== 'none' && 'text-slate-800',
        )}
      >
        {column.header}
        <Icon className={cn('size-3.5', direction === 'none' && 'text-slate-300')} aria-hidden />
      </button>
    </th>
  );
}

/**
 * Keeps the stack of cursors for "Previous / Next" over a cursor-paginated list. Changing
 * `resetKey` (the filters) goes back to the first page.
 */
export function useCursorPager(resetKey: string) {
  const [state, setState] = React.useState<{ key: string; stack: (string | null)[] }>({
    key: resetKey,
    stack: [null],
  });
  const stack = state.key === resetKey ? state.stack : [null];
  if (state.key !== resetKey) setState({ key: resetKey, stack: [null] });
  const cursor = stack[stack.length - 1] ?? null;
  return {
    cursor,
    page: stack.length,
    pagination: (nextCursor: string | null | undefined): Pagination => ({
      hasPrevious: stack.length > 1,
      hasNext: Boolean(nextCursor),
      page: stack.length,
      onPrevious: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
      onNext: () => {
        if (nextCursor) setState({ key: resetKey, stack: [...stack, nextCursor] });
      },
    }),
  };
}
