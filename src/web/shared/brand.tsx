import { cn } from '../lib/cn';

export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" className={cn('size-7', className)} aria-hidden>
      <rect width="32" height="32" rx="8" className="fill-brand-600" />
      <circle cx="12.5" cy="16" r="5" fill="none" stroke="#fff" strokeWidth="2.5" />
      <circle cx="19.5" cy="16" r="5" fill="none" stroke="#c7d2fe" strokeWidth="2.5" />
    </svg>
  );
}

export function Logo({ className, label = 'OpenPRM' }: { className?: string; label?: string }) {
  return (
    <span className={cn('inline-flex items-center gap-2.5', className)}>
      <LogoMark />
      <span className="text-[15px] font-semibold tracking-tight text-slate-900">{label}</span>
    </span>
  );
}
