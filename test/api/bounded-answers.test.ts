import { useApiFixture } from './api-fixture';

/**
 * No answer is larger than its request warrants: a request naming tens of thousands of unknown
 * fields gets the first 20 problems and their count (it used to answer every one, 13.8 MB over
 * the API and 3.8 MB over the bridge).
 */
const api = useApiFixture();

const unknownFields = (count: number, prefix: string) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 1]));

describe('bounded answers', () => {
  it('PATCH /projects/{key}/fields naming 60,000 unknown fields: 422 with 20 of them and the count', async () => {
    const { call } = api();
    const fields = unknownFields(60_000, 'f');
    const body = JSON.stringify({ fields });
    expect(body.length).toBeLessThan(1024 * 1024);
    const answer = await call('PATCH', '/projects/DEMO/fields', { raw: body, headers: { 'Content-Type': 'application/json' } });
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.json.error.fieldErrors)).toHaveLength(20);
    expect(answer.json.error.fieldErrorCount).toBe(60_000);
    expect(answer.json.error.message).toMatch(/60000 field references have problems/);
    expect(JSON.stringify(answer.json).length).toBeLessThan(8 * 1024);
  });

  it('PATCH /projects/fields: each project result is bounded the same way', async () => {
    const { call } = api();
    const projects = { DEMO: unknownFields(20_000, 'a'), OPS: unknownFields(20_000, 'b') };
    const answer = await call('PATCH', '/projects/fields', { raw: JSON.stringify({ projects }), headers: { 'Content-Type': 'application/json' } });
    expect(answer.status).toBe(200);
    for (const key of ['DEMO', 'OPS']) {
      expect(answer.json.results[key]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fieldErrorCount: 20_000 } });
      expect(Object.keys(answer.json.results[key].error.fieldErrors)).toHaveLength(20);
    }
    expect(JSON.stringify(answer.json).length).toBeLessThan(16 * 1024);
  });

  it('a body whose schema fails everywhere names the first problems and how many more', async () => {
    const { call } = api();
    const projects = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`bad-key-${i}`, { Budget: 1 }]));
    const answer = await call('PATCH', '/projects/fields', { body: { projects } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/and 95 more problems/);
    expect(JSON.stringify(answer.json).length).toBeLessThan(4 * 1024);
  });

  it('the resolver saveProjectFields with 40,000 unknown field ids answers 20 of them and the count over the bridge', async () => {
    const { t } = api();
    const values = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [String(900_000 + i), 'x']));
    const result = await t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.error.fieldErrors ?? {})).toHaveLength(20);
    expect(result.error.message).toMatch(/40000 problems; the first 20 are listed/);
    expect(JSON.stringify(result).length).toBeLessThan(8 * 1024);
  });
});
