import { toast } from '../ui/toast';

/** RFC 9457 problem document as the API returns it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status() {
    return this.problem.status;
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/** Builds an ApiError from whatever an error response carried. */
export function toApiError(body: unknown, response?: Response): ApiError {
  if (isProblem(body)) return new ApiError(body);
  const status = response?.status ?? 0;
  // better-auth answers { message, code } rather than problem JSON.
  const message =
    typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
      ? body.message
      : undefined;
  const code =
    typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
      ? body.code
      : undefined;
  return new ApiError({
    type: 'about:blank',
    title: response?.statusText || 'Request failed',
    status,
    detail: message ?? (status ? `The server answered ${status}.` : 'The server could not be reached.'),
    code,
  });
}

/**
 * Resolves an openapi-fetch call to its data, throwing an ApiError for a problem response.
 * Keeps call sites to `await unwrap(api.GET(...))`.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The server could not be reached. Check your connection and try again.',
      cause: String(cause),
    });
  }
  if (result.error !== undefined || !result.response.ok) throw toApiError(result.error, result.response);
  return result.data as T;
}

export type FieldErrors = Record<string, string>;

/** The form field a problem's error path points at: "tags.2" → "tags", "/name" → "name". */
function fieldOf(path: string): string {
  return path.replace(/^\/+/, '').split(/[./[]/)[0] ?? path;
}

/**
 * The one place API errors reach the user. Field errors for fields the form shows go next to
 * the field (via setFieldErrors); everything else becomes a toast.
 */
export function handleProblem(
  error: unknown,
  options: {
    setFieldErrors?: (errors: FieldErrors) => void;
    /** Form field names; errors for other paths are shown in the toast. */
    fields?: readonly string[];
    /** Maps an error path to the form's field name when they differ ("account.name" → "accountName"). */
    mapPath?: (path: string) => string;
    /** Toast title when it is not a field problem. */
    title?: string;
    /**
     * Show what is not a field error inline (e.g. a 409 next to the buttons) instead of a
     * toast; receives the readable message.
     */
    onMessage?: (message: string, problem: Problem) => void;
  } = {},
): void {
  if (!(error instanceof ApiError)) {
    if (options.onMessage) {
      options.onMessage(String(error), { type: 'about:blank', title: 'Error', status: 0 });
      return;
    }
    toast({ tone: 'error', title: options.title ?? 'Something went wrong', description: String(error) });
    return;
  }
  const { problem } = error;
  const fieldErrors: FieldErrors = {};
  const leftover: string[] = [];
  for (const item of problem.errors ?? []) {
    const field = options.mapPath ? options.mapPath(item.path) : fieldOf(item.path);
    if (options.setFieldErrors && (!options.fields || options.fields.includes(field))) {
      fieldErrors[field] ??= item.message;
    } else {
      leftover.push(item.path && item.path !== '(body)' ? `${item.path}: ${item.message}` : item.message);
    }
  }
  if (options.setFieldErrors) options.setFieldErrors(fieldErrors);
  if (Object.keys(fieldErrors).length > 0 && leftover.length === 0) return;
  if (options.onMessage) {
    options.onMessage(leftover.length > 0 ? leftover.join('\n') : (problem.detail ?? problem.title), problem);
    return;
  }
  toast({
    tone: 'error',
    title: options.title ?? problem.title,
    description: leftover.length > 0 ? leftover.join('\n') : problem.detail,
  });
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status;
}
