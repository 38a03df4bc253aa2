import * as React from 'react';
import { cn } from '../lib/cn';
import { Label } from './label';

interface FormFieldProps {
  label: React.ReactNode;
  /** Help shown under the control while there is no error. */
  hint?: React.ReactNode;
  error?: string | null;
  required?: boolean;
  optional?: boolean;
  className?: string;
  /**
   * The control. It receives id, aria-invalid and aria-describedby so the label, hint
   * and error are announced with it.
   */
  children: React.ReactElement<{
    id?: string;
    'aria-invalid'?: boolean;
    'aria-describedby'?: string;
    required?: boolean;
  }>;
}

export function FormField({ label, hint, error, required, optional, className, children }: FormFieldProps) {
  const generatedId = React.useId();
  const id = children.props.id ?? generatedId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint && !error ? hintId : null].filter(Boolean).join(' ');

  return (
    <div className={cn('grid content-start gap-1.5', className)}>
      <div className="flex items-baseline justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        {optional ? <span className="text-xs text-slate-400">Optional</span> : null}
      </div>
      {React.cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
        required: required ?? children.props.required,
      })}
      {error ? (
        <p id={errorId} className="text-[13px] text-red-700" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="text-[13px] text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
