import type { ErrorCode, ResolverError } from '../shared/resolver-contract';

/**
 * An expected failure of a use case, safe to show: it says what was wrong and what to do.
 * Entry points turn it into a resolver error value or an HTTP error; anything else is unexpected
 * and rethrown so the platform records it.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Readonly<Record<string, string>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  toResolverError(): ResolverError {
    return { code: this.code, message: this.message, ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}) };
  }
}

export const forbidden = (message: string) => new AppError('FORBIDDEN', message);
export const notFound = (message: string) => new AppError('NOT_FOUND', message);
export const invalidInput = (message: string, fieldErrors?: Record<string, string>) => new AppError('INVALID_INPUT', message, fieldErrors);
