import { describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, exitCodeFor, isRetryable, toProblem } from './errors.ts';

describe('the one error mapping', () => {
  it('maps codes to problem documents with field errors and extensions', () => {
    const problem = toProblem(
      new AppError('conflict', 'A partner with domain acme.com already exists', { fields: [{ path: 'website', message: 'taken' }], extensions: { existingId: 'ptr_1' } }),
      'req-1',
    );
    expect(problem).toMatchObject({ status: 409, code: 'conflict', existingId: 'ptr_1', requestId: 'req-1', errors: [{ path: 'website', message: 'taken' }] });
  });

  it('never leaks internals of unexpected errors', () => {
    const problem = toProblem(new Error('password=hunter2 at db.ts:42'));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  it('gives CLI exit codes and job retry decisions from the same table', () => {
    expect(exitCodeFor(new AppError('validation_failed', 'x'))).toBe(ERROR_CODES.validation_failed.exitCode);
    expect(isRetryable(new AppError('validation_failed', 'x'))).toBe(false);
    expect(isRetryable(new Error('connection reset'))).toBe(true);
  });
});
