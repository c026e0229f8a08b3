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
  const early = takePrefetched(name, args);
  if (early) return early as Promise<CallResult<ResolverValue<K>>>;
  return send(name, ...args);
}

/** A start-up call begun before the page rendered, kept for the first `call` that asks the same. */
interface Prefetched {
  readonly answer: Promise<CallResult<unknown>>;
  readonly at: number;
  /** The answer once it has arrived, so a page's first render can show it (takeSettled). */
  settled?: CallResult<unknown>;
}
const prefetched = new Map<string, Prefetched>();
/** An answer older than this is not handed out: the page asks again. */
const PREFETCH_FRESH_MS = 10_000;
const keyOf = (name: string, args: readonly unknown[]): string => `${name}:${JSON.stringify(args[0] ?? null)}`;

/**
 * Starts a read the page will make first, while its code and theme still load, so start-up calls
 * run side by side instead of one after the other. The first `call` with the same name and
 * payload (within a few seconds) takes this answer; later calls go to the backend as usual. The
 * answer is returned too, so a read that depends on it can be started as soon as it arrives.
 * Only for reads: nothing may change because a page was opened.
 */
export function prefetch<K extends ResolverName>(name: K, ...args: Parameters<ResolverDefs[K]>): Promise<CallResult<ResolverValue<K>>> {
  const key = keyOf(name, args);
  const known = prefetched.get(key);
  if (known) return known.answer as Promise<CallResult<ResolverValue<K>>>;
  const answer = send(name, ...args);
  const entry: Prefetched = { answer, at: Date.now() };
  prefetched.set(key, entry);
  void answer.then((result) => {
    entry.settled = result;
  });
  return answer;
}

/**
 * The answer of a prefetched read that has already arrived, taken as `call` would take it (once,
 * while fresh), or undefined: then `call` asks (or waits for the prefetch still on its way). A
 * view's first render shows start-up data that arrived before its code did, without a render
 * spent on 'loading' and a wait for the promise.
 */
export function takeSettled<K extends ResolverName>(name: K, ...args: Parameters<ResolverDefs[K]>): CallResult<ResolverValue<K>> | undefined {
  const key = keyOf(name, args);
  if (prefetched.get(key)?.settled === undefined) return undefined;
  return takeFresh(key)?.settled as CallResult<ResolverValue<K>> | undefined;
}

function takePrefetched(name: string, args: readonly unknown[]): Promise<CallResult<unknown>> | undefined {
  return takeFresh(keyOf(name, args))?.answer;
}

/** Takes the prefetch under `key` (once): the entry while fresh, else undefined. */
function takeFresh(key: string): Prefetched | undefined {
  const found = prefetched.get(key);
  if (!found) return undefined;
  prefetched.delete(key);
  return Date.now() - found.at <= PREFETCH_FRESH_MS ? found : undefined;
}

async function send<K extends ResolverName>(name: K, ...args: Parameters<ResolverDefs[K]>): Promise<CallResult<ResolverValue<K>>> {
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
