import { CircleAlert } from 'lucide-react';
import { cn } from '../lib/cn';

/** A problem shown where it happened (next to the buttons or at the top of a form). */
export function InlineAlert({ message, tone = 'danger' }: { message: string; tone?: 'danger' | 'warning' }) {
  return (
    <div
      role="alert"
      className={cn(
        'flex items-start gap-2 rounded-lg border px-3 py-2.5 text-sm whitespace-pre-line',
        tone === 'danger' ? 'border-red-200 bg-red-50 text-red-800' : 'border-amber-200 bg-amber-50 text-amber-900',
      )}
    >
      <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>{message}</span>
    </div>
  );
}
