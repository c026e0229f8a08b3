import { ROUTES } from '../../src/webtriggers/routes';
import { useApiFixture } from './api-fixture';

const api = useApiFixture();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is read by shape
type Doc = any;

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document, served without a token', async () => {
    const { call } = api();
    const doc = await call('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({ openapi: '3.1.0', info: { title: expect.any(String) }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } });
  });

  it('documents every route of DESIGN.md section 8, and every route the API serves (each GET with its HEAD)', async () => {
    const { call } = api();
    const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const section8 = [
      'GET /fields',
      'POST /fields',
      'GET /projects/{key}/fields',
      'PATCH /projects/{key}/fields',
      'PATCH /projects/fields',
      'GET /webhooks',
      'POST /webhooks',
      'GET /webhooks/{id}',
      'PATCH /webhooks/{id}',
      'DELETE /webhooks/{id}',
      'POST /webhooks/{id}/test',
      'POST /webhooks/{id}/rotate-secret',
      'GET /webhooks/{id}/deliveries',
      'POST /deliveries/{id}/redeliver',
    ];
    expect(documented).toEqual(expect.arrayContaining(section8));
    const served = ['GET /openapi.json', ...ROUTES.map((r) => `${r.method} ${r.path}`)];
    const heads = served.filter((s) => s.startsWith('GET ')).map((s) => s.replace(/^GET/, 'HEAD'));
    expect(documented.sort()).toEqual([...served, ...heads].sort());
  });

  it('every documented route answers (no "no route" 404, no 405)', async () => {
    const { call } = api();
    const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const path = template.replace('{key}', 'DEMO').replace('{id}', 'nope');
        const answer = await call(method.toUpperCase(), path);
        const unrouted = answer.status === 405 || (answer.status === 404 && /no route/.test(answer.json?.error?.message ?? ''));
        expect({ route: `${method} ${template}`, unrouted }).toEqual({ route: `${method} ${template}`, unrouted: false });
      }
    }
  });

  it('its server is the API: a client calling servers[0].url + path reaches the routes', async () => {
    const { call, url, token } = api();
    const doc = (await call('GET', '/openapi.json')).json as Doc;
    expect(doc.servers).toEqual([{ url: url(''), description: expect.any(String) }]);
    const fields = await fetch(`${doc.servers[0].url}/fields`, { headers: { Authorization: `Bearer ${token}` } });
    expect(fields.status).toBe(200);
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s /openapi.json answers 405 with Allow: GET, HEAD (no token needed)', async (method) => {
    const { call } = api();
    const answer = await call(method, '/openapi.json', { token: null });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD');
    expect(answer.json.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('says what the server enforces: sizes of bulk bodies, If-Match as ETag, per-type field rules, https URLs, path parameter lengths, headers, links', async () => {
    const { call } = api();
    const doc = (await call('GET', '/openapi.json')).json as Doc;
    const body = (path: string, method: string) => doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/projects/fields', 'patch').properties.projects).toMatchObject({ minProperties: 1, maxProperties: 100 });
    expect(body('/projects/{key}/fields', 'patch').properties.fields).toMatchObject({ minProperties: 1 });
    const ifMatch = doc.paths['/projects/{key}/fields'].patch.parameters.find((p: { name: string }) => p.name === 'If-Match');
    expect(new RegExp(ifMatch.schema.pattern).test('"3"')).toBe(true);
    expect(new RegExp(ifMatch.schema.pattern).test('three')).toBe(false);
    expect(body('/fields', 'post').allOf).toEqual(expect.arrayContaining([expect.objectContaining({ else: { not: { required: ['options'] } } }), expect.objectContaining({ else: { not: { required: ['decimals'] } } })]));
    expect(body('/webhooks', 'post').properties.url).toMatchObject({ format: 'uri', pattern: expect.stringContaining('[Hh][Tt][Tt][Pp][Ss]://') });
    const keyParam = doc.paths['/projects/{key}/fields'].get.parameters.find((p: { name: string }) => p.name === 'key');
    expect(keyParam.schema).toMatchObject({ maxLength: 255, minLength: 1 });
    const idParam = doc.paths['/webhooks/{id}'].get.parameters.find((p: { name: string }) => p.name === 'id');
    expect(idParam.schema).toMatchObject({ maxLength: 80 });
    expect(Object.keys(doc.paths['/projects/{key}/fields'].get.responses['200'].headers)).toEqual(['ETag']);
    expect(Object.keys(doc.paths['/webhooks'].post.responses['201'].headers)).toEqual(['Location']);
    expect(Object.keys(doc.paths['/projects/fields'].patch.responses['202'].headers).sort()).toEqual(['Location', 'Retry-After']);
    expect(doc.components.responses.E401.headers['WWW-Authenticate']).toMatchObject({ required: true });
    expect(doc.components.responses.E429.headers['Retry-After']).toMatchObject({ required: true });
    expect(doc.components.responses.E405.headers.Allow).toMatchObject({ required: true });
    expect(doc.paths['/webhooks'].post.responses['201'].links).toEqual({
      getWebhooksId: { operationId: 'getWebhooksId', parameters: { id: '$response.body#/webhook/id' } },
      patchWebhooksId: { operationId: 'patchWebhooksId', parameters: { id: '$response.body#/webhook/id' } },
      deleteWebhooksId: { operationId: 'deleteWebhooksId', parameters: { id: '$response.body#/webhook/id' } },
    });
    // Only the errors a route can answer: GET /fields has no body, no parameters, no conflicts.
    expect(Object.keys(doc.paths['/fields'].get.responses).sort()).toEqual(['200', '400', '401', '403', '413', '429', '503']);
    expect(Object.keys(doc.paths['/projects/{key}/fields'].patch.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '503']);
  });
});

describe('HEAD', () => {
  it('answers as GET, with the same status and headers and no body', async () => {
    const { call } = api();
    for (const path of ['/projects/DEMO/fields', '/fields', '/webhooks', '/openapi.json', '/projects/NOPE/fields']) {
      const get = await call('GET', path);
      const head = await call('HEAD', path);
      expect({ path, status: head.status, etag: head.headers.get('etag'), type: head.headers.get('content-type'), body: head.json }).toEqual({
        path,
        status: get.status,
        etag: get.headers.get('etag'),
        type: get.headers.get('content-type'),
        body: undefined,
      });
    }
  });

  it('needs the token like GET (401 without it), and is 405 where the path has no GET', async () => {
    const { call } = api();
    const anonymous = await call('HEAD', '/fields', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const noGet = await call('HEAD', '/projects/fields');
    expect(noGet.status).toBe(405);
    expect(noGet.headers.get('allow')).toBe('PATCH');
  });
});
