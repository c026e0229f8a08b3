import { describe, expect, it } from '@jest/globals';
import { chunk, ChunkLoadError, chunksReady } from './chunk';

/** A loader that counts its calls and answers as told: the next answers in order, then the last one again. */
function loader(...answers: readonly ('ok' | 'fail')[]) {
  let calls = 0;
  const load = async (): Promise<{ readonly n: number }> => {
    const answer = answers[Math.min(calls, answers.length - 1)];
    calls += 1;
    if (answer === 'fail') throw new TypeError('Failed to fetch dynamically imported module');
    return { n: calls };
  };
  return { load, calls: () => calls };
}

describe('chunk', () => {
  it('fetches once, however often it is preloaded or warmed', async () => {
    const source = loader('ok');
    const c = chunk(source.load);
    c.warm();
    c.warm();
    const [a, b] = await Promise.all([c.preload(), c.preload()]);
    expect(a).toBe(b);
    expect(source.calls()).toBe(1);
  });

  it('names a failed fetch as a ChunkLoadError with the cause, and fetches again next time', async () => {
    const source = loader('fail', 'ok');
    const c = chunk(source.load);
    const failure = await c.preload().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChunkLoadError);
    expect((failure as ChunkLoadError).message).toBe('a part of the page could not be loaded: Failed to fetch dynamically imported module');
    expect((failure as ChunkLoadError).cause).toBeInstanceOf(TypeError);
    await expect(c.preload()).resolves.toEqual({ n: 2 });
    expect(source.calls()).toBe(2);
  });

  it('warming swallows a failure (the view shows it when it renders) and leaves the next load free to retry', async () => {
    const source = loader('fail', 'ok');
    const c = chunk(source.load);
    c.warm();
    // Let the failed fetch settle.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(c.preload()).resolves.toEqual({ n: 2 });
  });

  it('holds the module once it has arrived (a view renders it at once), and nothing before or after a failure', async () => {
    const c = chunk(loader('fail', 'ok').load);
    expect(c.loaded()).toBeUndefined();
    await c.preload().catch(() => undefined);
    expect(c.loaded()).toBeUndefined();
    const loading = c.preload();
    expect(c.loaded()).toBeUndefined();
    const module = await loading;
    expect(c.loaded()).toBe(module);
  });

});

describe('chunksReady', () => {
  /** Whether the promise has settled once pending callbacks have run. */
  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false;
    void promise.then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    return done;
  };

  it('waits for every chunk, then settles', async () => {
    let arrive: () => void = () => undefined;
    const slow = chunk(() => new Promise<string>((resolve) => (arrive = () => resolve('slow'))));
    const ready = chunksReady([chunk(loader('ok').load), slow], 60_000);
    expect(await settled(ready)).toBe(false);
    arrive();
    expect(await settled(ready)).toBe(true);
  });

  it('settles when a chunk fails (its view shows the failure) or is still on its way after the wait', async () => {
    expect(await settled(chunksReady([chunk(loader('fail').load)], 60_000))).toBe(true);
    const never = chunk(() => new Promise<never>(() => undefined));
    expect(await settled(chunksReady([never], 0))).toBe(true);
  });
});
