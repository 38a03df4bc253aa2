import * as React from 'react';
import type { FieldErrors } from '../api/problem';

/** Trimmed string values of a form's fields. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) {
    if (typeof value === 'string') values[key] = value.trim();
  }
  return values;
}

/** Client-side required check, so the message sits under the field like the API's. */
export function requireFields(values: Record<string, string>, fields: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [name, label] of Object.entries(fields)) {
    if (!values[name]) errors[name] = `${label} is required.`;
  }
  return errors;
}

export function useFieldErrors() {
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const clear = React.useCallback(() => setErrors({}), []);
  return { errors, setErrors, clear };
}
