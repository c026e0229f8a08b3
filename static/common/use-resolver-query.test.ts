import { beforeAll, describe, expect, it } from '@jest/globals';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import type * as ApiModule from './api';
import type * as QueryModule from './use-resolver-query';

// The platform's side of the bridge, as a Custom UI page finds it (@forge/bridge looks for it when
// its modules load, so the modules under test are loaded after it is in place): every resolver
// answers its name and payload, and the calls are counted.
const calls: string[] = [];
let api: typeof ApiModule;
let query: typeof QueryModule;
beforeAll(async () => {
  (globalThis as { __bridge?: unknown }).__bridge = {
    callBridge: async (name: string, request: { functionKey: string; payload: unknown }) => {
      if (name !== 'invoke') throw new Error(`unexpected bridge call ${name}`);
      calls.push(request.functionKey);
      return { ok: true, value: { answeredBy: request.functionKey, payload: request.payload } };
    },
  };
  api = await import('./api');
  query = await import('./use-resolver-query');
});

/** What a component reading `listDeliveries` for a payload shows in its first render (the server runs no effects). */
function firstRender(payload: { webhookId: string }): string {
  const Probe = () => {
    const { state } = query.useResolverQuery('listDeliveries', payload as never);
    return createElement('p', null, state.status === 'ready' ? `ready ${JSON.stringify(state.value)}` : state.status);
  };
  return renderToString(createElement(Probe));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('useResolverQuery', () => {
  it("shows a prefetched answer that has arrived in its first render, and takes it only once", async () => {
    void api.prefetch('listDeliveries', { webhookId: 'w1' } as never);
    await settle();
    expect(firstRender({ webhookId: 'w1' })).toBe('<p>ready {&quot;answeredBy&quot;:&quot;listDeliveries&quot;,&quot;payload&quot;:{&quot;webhookId&quot;:&quot;w1&quot;}}</p>');
    // A second view (or a later reload) asks again: the prefetched answer was taken.
    expect(firstRender({ webhookId: 'w1' })).toBe('<p>loading</p>');
    expect(calls).toEqual(['listDeliveries']);
  });

  it('starts as loading while the prefetch is on its way, or for another payload', async () => {
    void api.prefetch('listDeliveries', { webhookId: 'w2' } as never);
    expect(firstRender({ webhookId: 'w2' })).toBe('<p>loading</p>');
    await settle();
    expect(firstRender({ webhookId: 'w3' })).toBe('<p>loading</p>');
  });
});
