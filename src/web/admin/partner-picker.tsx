import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Check, ChevronDown, Search } from 'lucide-react';
import { Popover } from 'radix-ui';
import * as React from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { cn } from '../lib/cn';
import { controlClass } from '../ui/input';

const RESULTS = 20;

/** `value` that lags behind the latest keystroke, so search asks the server once the typing pauses. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = React.useState(value);
  React.useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

interface PartnerPickerProps {
  value: string;
  onValueChange: (partnerId: string) => void;
  /** Accessible name of the trigger when no <label> names it (filters: "Filter by partner"). */
  label?: string;
  /** Adds an "any partner" choice that maps to the empty string (for filters). */
  allLabel?: string;
  placeholder?: string;
  className?: string;
  size?: 'sm' | 'md';
  disabled?: boolean;
  /** Set by FormField, which names the control with its label. */
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  /** Also submits the chosen id with the form, under this name. */
  name?: string;
}

/**
 * Picks one partner of the workspace by searching its name or domain on the server (the partner
 * list is paged; programs have thousands of partners). Used by the console's filters and forms.
 * A combobox: type to search, arrows to move, Enter to choose, Escape to close.
 */
export function PartnerPicker({
  value,
  onValueChange,
  label,
  allLabel,
  placeholder = 'Choose a partner',
  className,
  size = 'md',
  disabled,
  id,
  name,
  'aria-invalid': invalid,
  'aria-describedby': describedBy,
}: PartnerPickerProps) {
  const [open, setOpen] = React.useState(false);
  const [text, setText] = React.useState('');
  const [active, setActive] = React.useState(0);
  const q = useDebounced(text.trim(), 200);
  const listId = React.useId();
  const results = useQuery({
    queryKey: ['partners', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/v1/partners', { params: { query: { limit: RESULTS, sort: 'name', ...(q ? { q } : {}) } } })),
    enabled: open,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const selected = useQuery({
    queryKey: ['partners', 'detail', value],
    queryFn: () => unwrap(api.GET('/api/v1/partners/{id}', { params: { path: { id: value } } })),
    enabled: Boolean(value),
    staleTime: 60_000,
  });

  const options: Array<{ value: string; label: string; hint?: string | null }> = [
    ...(allLabel && !q ? [{ value: '', label: allLabel }] : []),
    ...(results.data?.data ?? []).map((p) => ({ value: p.id, label: p.name, hint: p.domain })),
  ];
  const choose = (next: string) => {
    onValueChange(next);
    setOpen(false);
    setText('');
  };
  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (options.length ? (i + step + options.length) % options.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const option = options[active];
      if (option) choose(option.value);
    }
  };
  const current = value ? (selected.data?.name ?? (selected.isError ? 'Unknown partner' : '…')) : (allLabel ?? null);

  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setActive(0);
        if (!next) setText('');
      }}
    >
      {name ? <input type="hidden" name={name} value={value} /> : null}
      <Popover.Trigger asChild disabled={disabled}>
        <button
          type="button"
          id={id}
          aria-label={label}
          aria-haspopup="listbox"
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={cn(
            controlClass,
            'inline-flex items-center justify-between gap-2 text-left',
            size === 'sm' ? 'h-8 text-[13px]' : 'h-9',
            !current && 'text-slate-400',
            className,
          )}
        >
          <span className="truncate">{current ?? placeholder}</span>
          <ChevronDown className="size-4 shrink-0 text-slate-400" aria-hidden />
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={4}
          className="z-50 w-72 max-w-[calc(100vw-2rem)] overflow-hidden rounded-md border border-slate-200 bg-white shadow-overlay animate-fade-in"
        >
          <div className="flex items-center gap-2 border-b border-slate-100 px-2.5">
            <Search className="size-4 shrink-0 text-slate-400" aria-hidden />
            <input
              // biome-ignore lint/a11y/noAutofocus: the search field is what the opened picker is for
              autoFocus
              role="combobox"
              aria-label="Search partners"
              aria-expanded
              aria-controls={listId}
              aria-activedescendant={options[active] ? `${listId}-${active}` : undefined}
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
              placeholder="Search by name or domain"
              className="h-9 w-full bg-transparent text-sm text-slate-900 outline-none placeholder:text-slate-400"
            />
          </div>
          <div id={listId} role="listbox" aria-label="Partners" className="max-h-72 overflow-y-auto p-1">
            {options.map((option, index) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles the keyboard (arrows, Enter) through aria-activedescendant
              <div
                key={option.value || '__all__'}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={option.value === value}
                tabIndex={-1}
                onMouseEnter={() => setActive(index)}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(option.value)}
                className={cn(
                  'relative flex cursor-default flex-col rounded px-2 py-1.5 pr-8 text-sm text-slate-800 select-none',
                  index === active && 'bg-slate-100',
                  option.value === value && 'font-medium',
                )}
              >
                <span className="truncate">{option.label}</span>
                {option.hint ? <span className="truncate text-xs text-slate-500">{option.hint}</span> : null}
                {option.value === value ? <Check className="absolute top-2 right-2 size-4 text-brand-600" aria-hidden /> : null}
              </div>
            ))}
            {results.isFetching && !results.data ? <p className="px-2 py-2 text-sm text-slate-500">Searching…</p> : null}
            {results.data && results.data.data.length === 0 ? <p className="px-2 py-2 text-sm text-slate-500">{q ? `No partner matches “${q}”` : 'No partners yet'}</p> : null}
            {results.data?.nextCursor ? <p className="px-2 pt-1.5 pb-1 text-xs text-slate-400">Showing the first {RESULTS}; type to narrow down.</p> : null}
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
