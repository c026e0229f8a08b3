import { describe, expect, it } from '@jest/globals';
import { createElement, Suspense, type ComponentType } from 'react';
import { renderToString } from 'react-dom/server';
import { chunk } from './chunk';
import { lazyFrom } from './lazy-from';

const Shown = ({ text }: { readonly text: string }) => createElement('p', null, text);

/** What a view taken from a chunk shows in its first render, inside a Suspense boundary (the server runs no effects), without the boundary's markers. */
const firstRender = (View: ComponentType<{ readonly text: string }>): string =>
  renderToString(createElement(Suspense, { fallback: createElement('p', null, 'loading') }, createElement(View, { text: 'the view' })))
    .replace(/<template[^>]*><\/template>/g, '')
    .replace(/<!--[^>]*-->/g, '');

describe('lazyFrom', () => {
  it('renders a chunk that has already arrived in its first render, without its fallback', async () => {
    const source = chunk(async () => ({ Shown }));
    await source.preload();
    expect(firstRender(lazyFrom(source, (m) => m.Shown))).toBe('<p>the view</p>');
  });

  it('shows the fallback while the chunk is on its way, and fetches it once', async () => {
    let calls = 0;
    const source = chunk(async () => {
      calls += 1;
      return { Shown };
    });
    const View = lazyFrom(source, (m) => m.Shown);
    expect(firstRender(View)).toBe('<p>loading</p>');
    await source.preload();
    // React.lazy learns of the answer a few promise turns later.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(1);
    // Once it has arrived, the same view renders it.
    expect(firstRender(View)).toBe('<p>the view</p>');
  });
});
