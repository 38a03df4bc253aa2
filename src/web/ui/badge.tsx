import { cva, type VariantProps } from 'class-variance-authority';
import type * as React from 'react';
import { cn } from '../lib/cn';

export const badgeVariants = cva(
  'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset [&_svg]:size-3',
  {
    variants: {
      tone: {
        neutral: 'bg-slate-50 text-slate-700 ring-slate-200',
        brand: 'bg-brand-50 text-brand-700 ring-brand-200',
        success: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
        warning: 'bg-amber-50 text-amber-800 ring-amber-200',
        danger: 'bg-red-50 text-red-700 ring-red-200',
        muted: 'bg-slate-100 text-slate-500 ring-slate-200',
      },
    },
    defaultVariants: { tone: 'neutral' },
  },
);

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>['tone']>;

export function Badge({
  className,
  tone,
  dot,
  children,
  ...props
}: React.ComponentProps<'span'> & VariantProps<typeof badgeVariants> & { dot?: boolean }) {
  return (
    <span className={cn(badgeVariants({ tone }), className)} {...props}>
      {dot ? <span className="size-1.5 rounded-full bg-current opacity-70" aria-hidden /> : null}
      {children}
    </span>
  );
}

/** Short labels (tags, products) as muted chips, or a dash when there are none; `max` folds the rest into "+N". */
export function BadgeList({ items, max }: { items: string[]; max?: number }) {
  if (items.length === 0) return <span className="text-slate-400">—</span>;
  const shown = max === undefined ? items : items.slice(0, max);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((item) => (
        <Badge key={item} tone="muted">
          {item}
        </Badge>
      ))}
      {items.length > shown.length ? <span className="text-xs text-slate-400">+{items.length - shown.length}</span> : null}
    </span>
  );
}
