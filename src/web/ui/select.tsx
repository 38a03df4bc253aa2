import { Check, ChevronDown } from 'lucide-react';
import { Select as SelectPrimitive } from 'radix-ui';
import type * as React from 'react';
import { cn } from '../lib/cn';
import { controlClass } from './input';

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * A native <select> styled like the other controls. Used in forms: it works with the
 * keyboard, screen readers, phone pickers and form data without extra wiring.
 */
export function NativeSelect({
  className,
  options,
  placeholder,
  children,
  ...props
}: React.ComponentProps<'select'> & { options?: readonly SelectOption[]; placeholder?: string }) {
  return (
    <div className={cn('relative', className)}>
      <select className={cn(controlClass, 'h-9 appearance-none pr-9')} {...props}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options?.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
      <ChevronDown
        className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-slate-400"
        aria-hidden
      />
    </div>
  );
}

const ALL = '__all__';

interface SelectProps {
  value: string;
  onValueChange: (value: string) => void;
  options: readonly SelectOption[];
  /** Accessible name of the trigger. */
  label: string;
  /** Adds an "any" choice that maps to the empty string (for filters). */
  allLabel?: string;
  placeholder?: string;
  className?: string;
  size?: 'sm' | 'md';
  disabled?: boolean;
}

/** A Radix select, used for compact filters and inline edits. */
export function Select({
  value,
  onValueChange,
  options,
  label,
  allLabel,
  placeholder,
  className,
  size = 'md',
  disabled,
}: SelectProps) {
  const current = value === '' && allLabel ? ALL : value;
  return (
    <SelectPrimitive.Root
      value={current || undefined}
      onValueChange={(next) => onValueChange(next === ALL ? '' : next)}
      disabled={disabled}
    >
      <SelectPrimitive.Trigger
        aria-label={label}
        className={cn(
          controlClass,
          'inline-flex items-center justify-between gap-2 text-left data-[placeholder]:text-slate-400',
          size === 'sm' ? 'h-8 text-[13px]' : 'h-9',
          className,
        )}
      >
        <SelectPrimitive.Value placeholder={placeholder ?? label} />
        <SelectPrimitive.Icon>
          <ChevronDown className="size-4 text-slate-400" aria-hidden />
        </SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content
          position="popper"
          sideOffset={4}
          className="z-50 max-h-[min(24rem,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-md border border-slate-200 bg-white shadow-overlay animate-fade-in"
        >
          <SelectPrimitive.Viewport className="p-1">
            {allLabel ? <SelectItem value={ALL}>{allLabel}</SelectItem> : null}
            {options.map((option) => (
              <SelectItem key={option.value} value={option.value}>
                {option.label}
              </SelectItem>
            ))}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
}

function SelectItem({ value, children }: { value: string; children: React.ReactNode }) {
  return (
    <SelectPrimitive.Item
      value={value}
      className="relative flex cursor-default items-center rounded px-2 py-1.5 pr-8 text-sm text-slate-800 outline-none select-none data-[highlighted]:bg-slate-100 data-[state=checked]:font-medium"
    >
      <SelectPrimitive.ItemText>{children}</SelectPrimitive.ItemText>
      <SelectPrimitive.ItemIndicator className="absolute right-2">
        <Check className="size-4 text-brand-600" aria-hidden />
      </SelectPrimitive.ItemIndicator>
    </SelectPrimitive.Item>
  );
}
