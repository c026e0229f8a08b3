import * as app from '../../src/index';
import { startHostServer, type HostServer } from '../../local/server';
import { startTestHost, type TestHost } from '../support/host-fixture';
import { fetchDocument, recordAnswer, useContractCheck } from './contract';

/**
 * Forge does not document whether a web trigger's `userPath` starts with '/'. The host sends it
 * with one; here the management API's handler is handed the same request without it (the
 * spelling Forge may use), through the host's web trigger route, and must route it the same.
 */
const TOKEN = 'prw_user-path-test-0123456789abcdef';

useContractCheck();

let t: TestHost;
let server: HostServer;
let stripSlash = false;

beforeAll(async () => {
  const managementApi: typeof app.managementApi = (event) => {
    const request = event as { userPath?: string };
    return app.managementApi(stripSlash ? { ...request, userPath: (request.userPath ?? '').replace(/^\//, '') } : request);
  };
  t = await startTestHost({ app: { ...app, managementApi } });
  server = await startHostServer(t.host, { port: 0 });
  await t.host.seedApiToken(TOKEN, t.accountId('admin'));
  await fetchDocument(`${server.baseUrl}/x/management-api`);
});

afterAll(async () => {
  await server.close();
  await t.stop();
});

async function get(path: string): Promise<Response> {
  const response = await fetch(`${server.baseUrl}/x/management-api${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  recordAnswer('GET', path, response, text);
  return new Response(text, { status: response.status, headers: response.headers });
}

describe('web trigger userPath with or without a leading /', () => {
  it.each([false, true])('routes the same when the slash is stripped: %s', async (strip) => {
    stripSlash = strip;
    const fields = await get('/fields');
    expect(fields.status).toBe(200);
    expect(((await fields.json()) as { fields: unknown[] }).fields.length).toBeGreaterThan(0);
    expect((await get('/openapi.json')).status).toBe(200);
    const project = await get('/projects/DEMO/fields');
    expect(project.status).toBe(200);
    expect(project.headers.get('etag')).toMatch(/^"\d+"$/);
    // The root and a path trick are judged the same way too.
    expect((await get('')).status).toBe(404);
    expect((await get('/projects/DEMO%2Ffields')).status).toBe(400);
  });
});
