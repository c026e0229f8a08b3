import { ROUTES } from '../../src/webtriggers/routes';
import { useApiFixture } from './api-fixture';

const api = useApiFixture();

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document, served without a token', async () => {
    const { call } = api();
    const doc = await call('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.json).toMatchObject({ openapi: '3.1.0', info: { title: expect.any(String) }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } });
  });

  it('documents every route of DESIGN.md section 8, and every route the API serves', async () => {
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
    expect(documented.sort()).toEqual(['GET /openapi.json', ...ROUTES.map((r) => `${r.method} ${r.path}`)].sort());
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
});
