import { expect, it } from '@jest/globals';
import { routeFromPath } from './routes';

it.each([
  ['/fields', 'fields'],
  ['fields', 'fields'],
  ['/api-tokens/', 'api-tokens'],
  ['/webhooks/123', 'webhooks'],
  ['/', 'webhooks'],
  ['', 'webhooks'],
  ['/unknown', 'webhooks'],
])('the path %j shows the %s page', (path, route) => expect(routeFromPath(path)).toBe(route));
