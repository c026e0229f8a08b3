import type { CallError, CallResult } from './api';

/**
 * What a page shows of one resolver's answer. A refresh that fails after a success keeps the
 * value and says so (`refreshError`), so a page never blanks out on one bad poll.
 */
export type QueryState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: CallError }
  | { readonly status: 'ready'; readonly value: T; readonly refreshError: CallError | null };

/** The state after an answer: `quiet` is a refresh of what is shown (polling, after a change). */
export function nextQueryState<T>(previous: QueryState<T>, result: CallResult<T>, quiet: boolean): QueryState<T> {
  if (result.ok) return { status: 'ready', value: result.value, refreshError: null };
  if (quiet && previous.status === 'ready') return { ...previous, refreshError: result.error };
  return { status: 'failed', error: result.error };
}
