import { createForgeHost, type ForgeHost } from '../../local/host';
import { startHostServer, type HostServer } from '../../local/server';
import { webTriggerId } from '../../local/platform/web-triggers';

/**
 * Web triggers in Forge's exact shapes (runtime reference, "Web trigger events"): `path` is
 * Forge's own `/x1/<trigger id>...`, the caller's segments are in `userPath`, header names keep the
 * caller's case, headers and query parameters are arrays; an answer that is not
 * `{statusCode, headers: {Name: [values]}, body}` becomes a 500.
 */
const MANIFEST = `modules:
  webtrigger:
    - key: hook
      function: hook-fn
      response:
        type: dynamic
  function:
    - key: hook-fn
      handler: index.hook
app:
  id: ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000
permissions:
  scopes:
    - storage:app
`;

type Answer = (request: Record<string, unknown>) => unknown;
let answer: Answer = () => ({ statusCode: 200, headers: {}, body: '' });
let seen: Record<string, unknown> | undefined;

let host: ForgeHost;
let server: HostServer;

beforeAll(async () => {
  host = createForgeHost({
    databaseFile: ':memory:',
    manifestText: MANIFEST,
    log: () => undefined,
    app: {
      hook: (request: Record<string, unknown>) => {
        seen = request;
        return answer(request);
      },
    },
  });
  server = await startHostServer(host, { port: 0 });
});

afterAll(async () => {
  await server.close();
  await host.stop();
});

beforeEach(() => {
  seen = undefined;
  answer = () => ({ statusCode: 200, headers: { 'Content-Type': ['text/plain'] }, body: 'ok' });
});

describe('web trigger request shape', () => {
  it("hands the handler Forge's path, the caller's segments in userPath, headers in the caller's case, arrays for headers and query", async () => {
    const response = await fetch(`${server.baseUrl}/x/hook/widgets/7?tag=a&tag=b`, { method: 'POST', headers: { 'X-Custom-Thing': 'one', 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(seen).toMatchObject({
      method: 'POST',
      path: `/x1/${webTriggerId('hook')}/widgets/7`,
      userPath: '/widgets/7',
      queryParameters: { tag: ['a', 'b'] },
      body: '{"a":1}',
    });
    const headers = seen?.headers as Record<string, string[]>;
    expect(headers['X-Custom-Thing']).toEqual(['one']);
    expect(headers['Content-Type']).toEqual(['application/json']);
    expect(headers['x-custom-thing']).toBeUndefined();
  });

  it('a handler routing on `path` instead of `userPath` finds nothing (as on Forge)', async () => {
    const routes: Record<string, string> = { '/widgets': 'the widgets' };
    answer = (request) => {
      const found = routes[String(request.path)];
      return found ? { statusCode: 200, headers: {}, body: found } : { statusCode: 404, headers: {}, body: 'no route' };
    };
    expect((await fetch(`${server.baseUrl}/x/hook/widgets`)).status).toBe(404);
    answer = (request) => {
      const found = routes[String(request.userPath)];
      return found ? { statusCode: 200, headers: {}, body: found } : { statusCode: 404, headers: {}, body: 'no route' };
    };
    const routed = await fetch(`${server.baseUrl}/x/hook/widgets`);
    expect(routed.status).toBe(200);
    expect(await routed.text()).toBe('the widgets');
  });

  it('path tricks reach the handler as sent, for the app to judge', async () => {
    await fetch(`${server.baseUrl}/x/hook/projects/..%2F..%2Fsecret/fields`);
    expect(seen?.userPath).toBe('/projects/..%2F..%2Fsecret/fields');
  });
});

describe('web trigger response shape', () => {
  // The host reports each refused answer on stderr, as Forge logs the function's failure.
  beforeEach(() => void jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('passes a valid answer through: status, every header value, body', async () => {
    answer = () => ({ statusCode: 201, headers: { 'X-Multi': ['a', 'b'], 'Content-Type': ['application/json'] }, body: '{"ok":true}' });
    const response = await fetch(`${server.baseUrl}/x/hook`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(await response.json()).toEqual({ ok: true });
  });

  it.each([
    ['nothing', () => undefined],
    ['header values as plain strings', () => ({ statusCode: 200, headers: { 'Content-Type': 'text/plain' }, body: 'x' })],
    ['a status that is not a number', () => ({ statusCode: '200', headers: {}, body: 'x' })],
    ['a body that is not a string', () => ({ statusCode: 200, headers: {}, body: { a: 1 } })],
    ['a plain string', () => 'hello'],
  ])('answers 500 for %s', async (_, make) => {
    answer = make as Answer;
    const response = await fetch(`${server.baseUrl}/x/hook`);
    expect(response.status).toBe(500);
  });

  it('answers 500 when the handler throws', async () => {
    answer = () => {
      throw new Error('boom');
    };
    expect((await fetch(`${server.baseUrl}/x/hook`)).status).toBe(500);
  });
});
