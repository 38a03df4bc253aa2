import { CircleAlert, CircleCheck, Info, X } from 'lucide-react';
import { Toast as ToastPrimitive } from 'radix-ui';
import * as React from 'react';
import { cn } from '../lib/cn';

type ToastTone = 'success' | 'error' | 'info';

export interface ToastMessage {
  id: number;
  title: string;
  description?: string;
  tone: ToastTone;
}

type Listener = (toasts: ToastMessage[]) => void;

let toasts: ToastMessage[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function emit() {
  for (const listener of listeners) listener(toasts);
}

/** Show a notification from anywhere (event handlers, query callbacks). */
export function toast(message: { title: string; description?: string; tone?: ToastTone }) {
  toasts = [...toasts, { id: nextId++, tone: message.tone ?? 'success', ...message }].slice(-4);
  emit();
}

function dismiss(id: number) {
  toasts = toasts.filter((item) => item.id !== id);
  emit();
}

const icons = { success: CircleCheck, error: CircleAlert, info: Info } as const;

export function Toaster() {
  const [items, setItems] = React.useState<ToastMessage[]>(toasts);
  React.useEffect(() => {
    listeners.add(setItems);
    return () => {
      listeners.delete(setItems);
    };
  }, []);

  return (
    <ToastPrimitive.Provider swipeDirection="right" duration={5000}>
      {items.map((item) => {
        const Icon = icons[item.tone];
        return (
          <ToastPrimitive.Root
            key={item.id}
            type={item.tone === 'error' ? 'foreground' : 'background'}
            duration={item.tone === 'error' ? 8000 : 5000}
            onOpenChange={(open) => {
              if (!open) dismiss(item.id);
            }}
            className="pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-overlay animate-slide-up data-[swipe=end]:animate-fade-in"
          >
            <Icon
              className={cn(
                'mt-0.5 size-5 shrink-0',
                item.tone === 'success' && 'text-emerald-600',
                item.tone === 'error' && 'text-red-600',
                item.tone === 'info' && 'text-brand-600',
              )}
              aria-hidden
            />
            <div className="grid min-w-0 flex-1 gap-0.5">
              <ToastPrimitive.Title className="text-sm font-medium text-slate-900">{item.title}</ToastPrimitive.Title>
              {item.description ? (
                <ToastPrimitive.Description className="text-sm text-slate-600">
                  {item.description}
                </ToastPrimitive.Description>
              ) : null}
            </div>
            <ToastPrimitive.Close
              aria-label="Dismiss notification"
              className="rounded p-0.5 text-slate-400 hover:text-slate-600 focus-visible:outline-2 focus-visible:outline-brand-500"
            >
              <X className="size-4" aria-hidden />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        );
      })}
      <ToastPrimitive.Viewport className="fixed right-0 bottom-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none sm:right-2 sm:bottom-2" />
    </ToastPrimitive.Provider>
  );
}
