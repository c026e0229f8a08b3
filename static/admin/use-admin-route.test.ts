import { beforeAll, describe, expect, it } from '@jest/globals';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import type * as HostHistoryModule from './host-history';
import type { HostHistory } from './host-history';
import type * as AdminRouteModule from './use-admin-route';

// @forge/bridge looks for the platform's bridge when its modules load: the modules under test are
// loaded after this one is in place. Its history is the admin page's, on the fields subpage.
const history = { location: { pathname: '/fields' }, listen: () => () => undefined, push: () => undefined };
let hostHistory: typeof HostHistoryModule;
let route: typeof AdminRouteModule;
beforeAll(async () => {
  (globalThis as { __bridge?: unknown }).__bridge = {
    callBridge: async (name: string) => {
      if (name !== 'createHistory') throw new Error(`unexpected bridge call ${name}`);
      return history;
    },
  };
  hostHistory = await import('./host-history');
  route = await import('./use-admin-route');
});

/** What the admin page's navigation is in its first render (the server runs no effects). */
function firstRender(): string {
  const Probe = () => {
    const navigation = route.useAdminRoute();
    return createElement('p', null, navigation.mode === 'pending' ? 'pending' : `${navigation.mode} ${navigation.location.route}`);
  };
  return renderToString(createElement(Probe));
}

describe('useAdminRoute', () => {
  it('waits for the history the first script asked for, and has the place in the first render once it has arrived', async () => {
    expect(firstRender()).toBe('<p>pending</p>');
    const asked = hostHistory.keepHistory(Promise.resolve(history as unknown as HostHistory));
    expect(firstRender()).toBe('<p>pending</p>');
    await asked;
    expect(firstRender()).toBe('<p>history fields</p>');
  });
});
