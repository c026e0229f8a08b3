import { expectError, useApiFixture, type ApiAnswer } from './api-fixture';

/**
 * The field model of issue 19 over the management REST API (the real app through the host's web
 * trigger): formula fields created, checked and read; option value ids; number prefix and suffix;
 * related projects. Every answer is also checked against the OpenAPI document (useApiFixture).
 */
const api = useApiFixture();

type ApiField = { id: number; name: string; type: string; value: unknown };
/** The error of an answer that must be `status` with code `code`. */
function errorOf(answer: ApiAnswer, status: number, code: string): { message: string; fieldErrors?: Record<string, string> } {
  expectError(answer, status, code);
  return answer.json.error;
}
const byName = (fields: readonly ApiField[]) => Object.fromEntries(fields.map((f) => [f.name, f]));

describe('formula fields over the REST API', () => {
  it('POST /fields creates a formula; GET answers its result; PATCH of its inputs answers no formula change', async () => {
    const { call } = api();
    const created = await call('POST', '/fields', { body: { name: 'Budget left', type: 'formula', expression: '{Budget} * 0.8', decimals: 2, suffix: 'k' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Budget left', type: 'formula', expression: '{Budget} * 0.8', decimals: 2, suffix: 'k' });

    const patched = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: '12.345' } } });
    expect(patched.status).toBe(200);
    expect(patched.json.changes.map((c: ApiField) => c.name)).toEqual(['Budget']);

    const read = await call('GET', '/projects/DEMO/fields');
    // 12.345 * 0.8 = 9.876 exactly, shown with the formula's 2 decimals; the suffix is not part of the value.
    expect(byName(read.json.fields)['Budget left']).toEqual({ id: created.json.id, name: 'Budget left', type: 'formula', value: '9.88' });
  });

  it('a formula naming an unknown field, or mixing kinds, is 422 naming the formula; nothing is created', async () => {
    const { call } = api();
    const unknown = errorOf(await call('POST', '/fields', { body: { name: 'Broken', type: 'formula', expression: '{Budgets} + 1' } }), 422, 'INVALID_INPUT');
    expect(unknown.message).toBe('The field definition is not valid: Formula Broken: there is no field named "Budgets".');
    const mixed = errorOf(await call('POST', '/fields', { body: { name: 'Mixed', type: 'formula', expression: '{Start date} * 2' } }), 422, 'INVALID_INPUT');
    expect(mixed.message).toMatch(/Formula Mixed: cannot multiply a date and a number/);
    const list = await call('GET', '/fields');
    expect(list.json.fields.map((f: ApiField) => f.name)).not.toEqual(expect.arrayContaining(['Broken']));
    expect(list.json.fields.map((f: ApiField) => f.name)).not.toEqual(expect.arrayContaining(['Mixed']));
  });

  it('PATCH naming a formula is 422 naming it, and saves nothing', async () => {
    const { call } = api();
    await call('POST', '/fields', { body: { name: 'Twice', type: 'formula', expression: '{Budget} * 2' } });
    const answer = errorOf(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Twice: '4', Budget: 2 } } }), 422, 'INVALID_INPUT');
    expect(answer.message).toBe('Nothing was saved. Twice: is calculated from other fields by its formula and cannot be set');
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(0);
  });
});

describe('formula and automatic fields in the bulk route', () => {
  it('PATCH /projects/fields naming a formula or an automatic field refuses that project, naming the field, and saves the others', async () => {
    const { call } = api();
    await call('POST', '/fields', { body: { name: 'Twice', type: 'formula', expression: '{Budget} * 2' } });
    await call('POST', '/fields', { body: { name: 'Updated', type: 'updated' } });
    const answer = await call('PATCH', '/projects/fields', { body: { projects: { DEMO: { Twice: '2', Budget: 1 }, OPS: { Updated: '2026-01-01' }, HR: { Budget: 3 } } } });
    expect(answer.status).toBe(200);
    expect(answer.json.results.DEMO).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Nothing was saved. Twice: is calculated from other fields by its formula and cannot be set' } });
    expect(answer.json.results.OPS).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Nothing was saved. Updated: is filled by the app and cannot be set' } });
    expect(answer.json.results.HR).toMatchObject({ ok: true, changes: [expect.objectContaining({ name: 'Budget' })] });
    expect(byName((await call('GET', '/projects/HR/fields')).json.fields).Twice?.value).toBe('6');
  });
});

describe('option value ids, number affixes and related projects over the REST API', () => {
  it('a list option set by its value id reads back and is answered by name; a number never carries its prefix', async () => {
    const { call } = api();
    const region = await call('POST', '/fields', {
      body: { name: 'Region', type: 'list', options: [{ name: 'Europe', colour: 'blue', enabled: true, valueId: 'EU' }, { name: 'Asia', colour: 'teal', enabled: true }] },
    });
    expect(region.status).toBe(201);
    expect(region.json.options.map((o: { name: string; valueId?: string }) => [o.name, o.valueId])).toEqual([
      ['Europe', 'EU'],
      ['Asia', undefined],
    ]);
    await call('POST', '/fields', { body: { name: 'Price', type: 'number', decimals: 2, prefix: '$' } });
    const patched = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Region: 'EU', Price: 3 } } });
    expect(patched.status).toBe(200);
    expect(patched.json.changes.map((c: { name: string; value: unknown }) => [c.name, c.value])).toEqual([
      ['Region', { current: 'Europe', previous: null }],
      ['Price', { current: '3.00', previous: null }],
    ]);
    expect(byName((await call('GET', '/projects/DEMO/fields')).json.fields).Region?.value).toBe('Europe');
  });

  it('a related project must be a project the token owner can browse (the API is for Jira admins: one that exists)', async () => {
    const { call } = api();
    await call('POST', '/fields', { body: { name: 'Depends on', type: 'multiproject' } });
    const refused = errorOf(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { 'Depends on': ['OPS', 'NOPE'] } } }), 422, 'INVALID_INPUT');
    expect(Object.values(refused.fieldErrors ?? {})).toEqual(['Depends on: there is no project NOPE that you can browse']);
    const saved = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { 'Depends on': ['ops', 'HR'] } } });
    expect(saved.status).toBe(200);
    expect(saved.json.changes).toEqual([expect.objectContaining({ name: 'Depends on', type: 'multiproject', value: { current: ['OPS', 'HR'], previous: [] } })]);
  });
});
