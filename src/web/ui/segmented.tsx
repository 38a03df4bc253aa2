import type { LucideIcon } from 'lucide-react';
import { cn } from '../lib/cn';

/** A two- or three-way toggle (board / list, write / preview). */
export function Segmented<T extends string | boolean>({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: readonly (readonly [T, string, LucideIcon])[];
}) {
  return (
    <fieldset className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
      <legend className="sr-only">{label}</legend>
      {options.map(([optionValue, optionLabel, Icon]) => (
        <button
          key={optionLabel}
          type="button"
          aria-pressed={value === optionValue}
          onClick={() => onChange(optionValue)}
          className={cn(
            'inline-flex items-center gap-1.5 rounded px-3 py-1 text-[13px] font-medium text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-brand-500',
            value === optionValue && 'bg-slate-900 text-white hover:text-white',
          )}
        >
          <Icon className="size-4" aria-hidden />
          {optionLabel}
        </button>
      ))}
    </fieldset>
  );
}
