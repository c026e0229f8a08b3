import { makeInvoke } from '@forge/bridge';
import type { ResolverDefs, ResolverError, ResolverName, ResolverValue } from '../../src/shared/resolver-contract';

/**
 * The UI's only way to the backend: the resolver contract, typed end to end by `ResolverDefs`.
 * Expected failures arrive as `ok: false` values; a rejected `invoke` (the resolver threw, or the
 * platform could not run it) becomes one too, with code `CALL_FAILED`, so pages handle one shape.
 */
const invoke = makeInvoke<ResolverDefs>();

export type { ResolverName, ResolverValue };
export type CallError = ResolverError | { readonly code: 'CALL_FAILED'; readonly message: string; readonly fieldErrors?: undefined };
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CallError };

export async function call<K extends ResolverName>(name: K, ...args: Parameters<ResolverDefs[K]>): Promise<CallResult<ResolverValue<K>>> {
  try {
    // `invoke` is typed per name; the spread of a generic tuple needs this one cast.
    const result = await (invoke as (name: K, ...rest: unknown[]) => Promise<unknown>)(name, ...args);
    if (isResult(result)) return result as CallResult<ResolverValue<K>>;
    return failed(`the answer to ${name} was not understood`);
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  }
}

function isResult(value: unknown): value is { ok: boolean } {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

function failed(detail: string): { ok: false; error: CallError } {
  return {
    ok: false,
    error: { code: 'CALL_FAILED', message: `Projectrak could not complete the request (${detail}). Try again; if it keeps failing, ask a Jira admin to check the app's logs.` },
  };
}
