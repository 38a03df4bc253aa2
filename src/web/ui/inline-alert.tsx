import { CircleAlert, Loader2 } from 'lucide-react';
import { cn } from '../lib/cn';

const TONES = {
  danger: 'border-red-200 bg-red-50 text-red-800',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  progress: 'border-sky-200 bg-sky-50 text-sky-900',
} as const;

/**
 * A message shown where it happened: a problem (danger, warning) next to the buttons or at the
 * top of a form, or work going on in the background (progress, announced politely).
 */
export function InlineAlert({ message, tone = 'danger' }: { message: string; tone?: keyof typeof TONES }) {
  const Icon = tone === 'progress' ? Loader2 : CircleAlert;
  return (
    <div role={tone === 'progress' ? 'status' : 'alert'} className={cn('flex items-start gap-2 rounded-lg border px-3 py-2.5 text-sm whitespace-pre-line', TONES[tone])}>
      <Icon className={cn('mt-0.5 size-4 shrink-0', tone === 'progress' && 'animate-spin motion-reduce:animate-none')} aria-hidden />
      <span>{message}</span>
    </div>
  );
}
