import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResolverDefs } from '../../src/shared/resolver-contract';
import { call, takeSettled, type ResolverName, type ResolverValue } from './api';
import { nextQueryState, type QueryState } from './query-state';

export type { QueryState };

export interface ResolverQuery<T> {
  readonly state: QueryState<T>;
  /** The value once loaded (kept through quiet refreshes), else undefined. */
  readonly value: T | undefined;
  /** Asks again; `quiet` keeps what is shown while it loads. */
  reload(quiet?: boolean): Promise<void>;
}

type Payload<K extends ResolverName> = Parameters<ResolverDefs[K]>[0];

export interface QueryOptions {
  /** False: nothing is asked (yet); the state stays `loading`. */
  readonly enabled?: boolean;
  /** Anything else that should make it ask again (quietly) when it changes, e.g. a count of attempts. */
  readonly refreshKey?: unknown;
}

const argsOf = <K extends ResolverName>(payload: Payload<K>) => (payload === undefined ? [] : [payload]) as Parameters<ResolverDefs[K]>;

/**
 * The UI's one way to load data: a resolver asked on mount and again when its payload changes,
 * with loading / failed / ready states. Answers to an older request are dropped. A start-up read
 * the page's first script prefetched and that has arrived by the first render is shown by that
 * render (nothing asked on mount); one still on its way is waited for by the mount's `call`.
 */
export function useResolverQuery<K extends ResolverName>(name: K, payload: Payload<K>, options: QueryOptions = {}): ResolverQuery<ResolverValue<K>> {
  const { enabled = true, refreshKey } = options;
  // Whether the first state is a prefetched answer: then the mount asks nothing.
  const answeredAtMount = useRef(false);
  const [state, setState] = useState<QueryState<ResolverValue<K>>>(() => {
    const settled = enabled ? takeSettled(name, ...argsOf<K>(payload)) : undefined;
    if (settled === undefined) return { status: 'loading' };
    answeredAtMount.current = true;
    return nextQueryState<ResolverValue<K>>({ status: 'loading' }, settled, false);
  });
  const sequence = useRef(0);
  // The payload by value: a new object with the same content is the same request.
  const payloadKey = JSON.stringify(payload ?? null);
  const latestPayload = useRef(payload);
  latestPayload.current = payload;

  const reload = useCallback(
    async (quiet = false) => {
      const mine = ++sequence.current;
      if (!quiet) setState({ status: 'loading' });
      const result = await call(name, ...argsOf<K>(latestPayload.current));
      if (mine !== sequence.current) return;
      setState((previous) => nextQueryState(previous, result, quiet));
    },
    // payloadKey stands for the payload: a new request when its content changes.
    [name, payloadKey],
  );

  useEffect(() => {
    if (answeredAtMount.current) {
      answeredAtMount.current = false;
      return;
    }
    if (enabled) void reload();
  }, [reload, enabled]);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (enabled) void reload(true);
    // Only a change of the key asks again; the first render's request is the one above.
  }, [refreshKey]);

  return { state, value: state.status === 'ready' ? state.value : undefined, reload };
}
