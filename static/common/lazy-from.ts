import { lazy, type ComponentType } from 'react';
import type { Chunk } from './chunk';

/**
 * A React.lazy component taken from a chunk, so preloading it and rendering it share one fetch.
 * When the chunk has already arrived by its first render (the page's first script started it),
 * it renders at once: React.lazy takes an answer that is already there (a thenable that calls
 * back at once) without suspending, so no fallback is shown and no render is spent waiting.
 */
export function lazyFrom<M, P extends object>(source: Pick<Chunk<M>, 'preload' | 'loaded'>, pick: (module: M) => ComponentType<P>) {
  return lazy(() => {
    const module = source.loaded();
    if (module !== undefined) return settled({ default: pick(module) });
    return source.preload().then((loaded) => ({ default: pick(loaded) }));
  });
}

/** A promise-like whose `then` calls back at once, for an answer already known (React.lazy reads it synchronously). */
function settled<T>(value: T): Promise<T> {
  const thenable: PromiseLike<T> = {
    then: (onFulfilled) => settled(onFulfilled ? (onFulfilled(value) as never) : (value as never)),
  };
  return thenable as Promise<T>;
}
