import { describe, expect, it } from '@jest/globals';
import { locationFromPath, pathOf, routeFromPath } from './routes';

it.each([
  ['/fields', 'fields'],
  ['fields', 'fields'],
  ['/api-tokens/', 'api-tokens'],
  ['/webhooks/123', 'webhooks'],
  ['/', 'webhooks'],
  ['', 'webhooks'],
  ['/unknown', 'webhooks'],
])('the path %j shows the %s page', (path, route) => expect(routeFromPath(path)).toBe(route));

describe('a webhook of its own address', () => {
  it.each([
    ['/webhooks/abc_1-2', 'abc_1-2'],
    ['/webhooks/abc?x=1', 'abc'],
    ['/webhooks/', null],
    ['/webhooks', null],
    ['/webhooks/a%20b', null],
    ['/fields/abc', null],
    ['/unknown/abc', null],
  ])('%j opens webhook %j', (path, webhookId) => expect(locationFromPath(path).webhookId).toBe(webhookId));

  it('paths and locations round-trip', () => {
    for (const path of ['/webhooks', '/webhooks/wh_123', '/fields', '/api-tokens']) expect(pathOf(locationFromPath(path))).toBe(path);
    expect(pathOf({ route: 'fields', webhookId: 'x' })).toBe('/fields');
  });
});
