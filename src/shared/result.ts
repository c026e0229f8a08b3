/**
 * What every resolver answers: expected failures as values (`ok: false` with a code and a message
 * for people); unexpected ones are thrown by the backend so the platform records them. The bottom
 * of src/shared: the contracts import it, it imports nothing.
 */

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'STALE_REVISION'
  | 'CONFLICT'
  | 'LIMIT_EXCEEDED'
  /** Jira or the platform did not answer (5xx, 429, network): nothing happened, try again. */
  | 'UNAVAILABLE';

export interface ResolverError {
  readonly code: ErrorCode;
  /** For people: what was wrong and what to do. */
  readonly message: string;
  /** Per-field problems, keyed by field id, when the error is about field values. */
  readonly fieldErrors?: Readonly<Record<string, string>>;
}

export type ResolverResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ResolverError };
