/**
 * The one error type. Every failure a user can cause or see is an AppError with a code; the
 * code decides the HTTP status (RFC 9457 problem JSON), the CLI exit code and whether a job
 * retries. Nothing else in the code base maps errors to statuses.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal';

interface CodeBehaviour {
  status: number;
  title: string;
  exitCode: number;
  retryable: boolean;
}

export const ERROR_CODES: Record<ErrorCode, CodeBehaviour> = {
  bad_request: { status: 400, title: 'Bad request', exitCode: 2, retryable: false },
  validation_failed: { status: 422, title: 'Validation failed', exitCode: 2, retryable: false },
  unauthenticated: { status: 401, title: 'Authentication required', exitCode: 3, retryable: false },
  forbidden: { status: 403, title: 'Not allowed', exitCode: 3, retryable: false },
  not_found: { status: 404, title: 'Not found', exitCode: 4, retryable: false },
  conflict: { status: 409, title: 'Conflict', exitCode: 5, retryable: false },
  payload_too_large: { status: 413, title: 'Payload too large', exitCode: 2, retryable: false },
  rate_limited: { status: 429, title: 'Too many requests', exitCode: 6, retryable: true },
  internal: { status: 500, title: 'Internal error', exitCode: 1, retryable: true },
};

export interface FieldError {
  /** Dotted path of the field in the request, e.g. `tags.2` or `csv:line 4:domain`. */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors: FieldError[];
  /** Extra members added to the problem document (e.g. `existingId` on a duplicate). */
  readonly extensions: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: FieldError[]; extensions?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = options.fields ?? [];
    this.extensions = options.extensions ?? {};
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path}: ${message}`, { fields: [{ path, message }] });

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Maps any thrown value to a problem document. Internals of unexpected errors never leak. */
export function toProblem(error: unknown, requestId?: string): ProblemDocument {
  const appError = error instanceof AppError ? error : null;
  const code: ErrorCode = appError?.code ?? 'internal';
  const behaviour = ERROR_CODES[code];
  const problem: ProblemDocument = {
    ...(appError?.extensions ?? {}),
    type: `https://openprm.dev/problems/${code.replaceAll('_', '-')}`,
    title: behaviour.title,
    status: behaviour.status,
    detail: appError ? appError.message : 'An unexpected error occurred. It has been logged with the request id.',
    code,
  };
  if (requestId) problem.requestId = requestId;
  if (appError && appError.fieldErrors.length > 0) problem.errors = appError.fieldErrors;
  return problem;
}

export function exitCodeFor(error: unknown): number {
  return error instanceof AppError ? ERROR_CODES[error.code].exitCode : 1;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? ERROR_CODES[error.code].retryable : true;
}

/** Turns zod issues into field errors with dotted paths. */
export function fieldErrorsFromZod(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
