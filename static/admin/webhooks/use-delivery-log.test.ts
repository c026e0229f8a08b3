import { beforeAll, describe, expect, it } from '@jest/globals';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import type * as ApiModule from '../../common/api';
import type * as DeliveryLogModule from './delivery-log';
import type * as UseDeliveryLogModule from './use-delivery-log';

// The platform's side of the bridge, in place before @forge/bridge loads (it looks for it then):
// listDeliveries answers one delivery of the webhook asked for; the calls are counted.
const calls: string[] = [];
let api: typeof ApiModule;
let deliveryLog: typeof DeliveryLogModule;
let hook: typeof UseDeliveryLogModule;
beforeAll(async () => {
  (globalThis as { __bridge?: unknown }).__bridge = {
    callBridge: async (name: string, request: { functionKey: string; payload: { webhookId: string } }) => {
      if (name !== 'invoke') throw new Error(`unexpected bridge call ${name}`);
      calls.push(request.functionKey);
      return { ok: true, value: { deliveries: [{ id: `delivery-of-${request.payload.webhookId}` }], nextCursor: 'next' } };
    },
  };
  api = await import('../../common/api');
  deliveryLog = await import('./delivery-log');
  hook = await import('./use-delivery-log');
});

/** What a webhook's delivery log shows in its first render (the server runs no effects). */
function firstRender(webhookId: string): string {
  const Probe = () => {
    const log = hook.useDeliveryLog(webhookId, () => undefined);
    return createElement('p', null, log.loading ? 'loading' : `${log.deliveries.map((d) => d.id).join(',')} more:${String(log.hasMore)}`);
  };
  return renderToString(createElement(Probe));
}

describe('useDeliveryLog', () => {
  it("shows the first page the page's first script prefetched in its first render, once it has arrived", async () => {
    const prefetched = api.prefetch('listDeliveries', deliveryLog.firstPageQuery('w1'));
    expect(firstRender('w1')).toBe('<p>loading</p>');
    await prefetched;
    expect(firstRender('w1')).toBe('<p>delivery-of-w1 more:true</p>');
    // Taken once: a later log asks again.
    expect(firstRender('w1')).toBe('<p>loading</p>');
    expect(calls).toEqual(['listDeliveries']);
  });
});
