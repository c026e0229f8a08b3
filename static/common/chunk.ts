/** Code loaded on demand: `preload` starts (or joins) the fetch, `warm` starts it and forgets the answer. */
export interface Chunk<M> {
  readonly preload: () => Promise<M>;
  readonly warm: () => void;
  /** The module once it has arrived (a view can then render it at once), else undefined. */
  readonly loaded: () => M | undefined;
}

/**
 * Code split by view: a chunk loaded once, when first needed or earlier (e.g. while the page's
 * start-up data loads, or when the pointer comes near what opens it). A failed load is forgotten
 * so the next attempt fetches again.
 */
export function chunk<M>(load: () => Promise<M>): Chunk<M> {
  let loading: Promise<M> | undefined;
  let module: { readonly value: M } | undefined;
  const preload = (): Promise<M> => {
    loading ??= load().then(
      (value) => {
        module = { value };
        return value;
      },
      (error: unknown) => {
        loading = undefined;
        throw new ChunkLoadError(error);
      },
    );
    return loading;
  };
  // A failure shows when the view renders (its boundary); warming again while loading is a no-op.
  const warm = (): void => {
    if (loading === undefined) preload().catch(() => undefined);
  };
  return { preload, warm, loaded: () => module?.value };
}

/** A chunk that could not be fetched (as opposed to a view that failed while rendering). */
export class ChunkLoadError extends Error {
  constructor(cause: unknown) {
    super(`a part of the page could not be loaded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ChunkLoadError';
  }
}

/**
 * Settles once every chunk has arrived or failed, or after `waitMs`, whichever comes first: a
 * page's first render waits for the code of the view it opens on (started by its first script),
 * so it shows that view in one render instead of a fallback and a second render when the code
 * arrives, but a slow network still gets the page's loading state after a moment.
 */
export function chunksReady(chunks: readonly Pick<Chunk<unknown>, 'preload'>[], waitMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  const loaded = Promise.all(chunks.map((c) => c.preload().catch(() => undefined))).then(() => clearTimeout(timer));
  return Promise.race([loaded, waited]);
}
