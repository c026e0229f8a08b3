import { expectError, useApiFixture, type ApiFixture } from './api-fixture';

/**
 * Input hygiene over the management API (and the same rules through the resolvers): names and
 * texts without control characters or lone surrogates, JSON bodies without repeated keys, names
 * that would be an object's machinery, URLs whose refusal must not repeat their credentials.
 * Each is a clear 4xx, and nothing is stored.
 */
const api = useApiFixture();

async function catalogSize(call: ApiFixture['call']): Promise<number> {
  return ((await call('GET', '/fields')).json.fields as unknown[]).length;
}

describe('names of fields, options and webhooks', () => {
  it.each([
    ['a NUL', 'Cost\u0000centre', /control characters/],
    ['an escape', 'Cost\u001b[31mcentre', /control characters/],
    ['a line break', 'Cost\ncentre', /control characters/],
    ['a C1 control', 'Cost\u0085centre', /control characters/],
    ['a lone high surrogate', 'Cost \ud83d centre', /surrogate/],
    ['a lone low surrogate', 'Cost \ude00 centre', /surrogate/],
    ['__proto__', '__proto__', /reserved/],
    ['constructor', 'constructor', /reserved/],
    ['Constructor, padded', '  Constructor ', /reserved/],
  ])('a field name with %s is refused (400), nothing stored', async (_, name, message) => {
    const { call } = api();
    const before = await catalogSize(call);
    const answer = await call('POST', '/fields', { body: { name, type: 'text' } });
    expectError(answer, 400, 'INVALID_REQUEST');
    expect(answer.json.error.message).toMatch(message);
    expect(await catalogSize(call)).toBe(before);
  });

  it('option names and descriptions follow the same rule; a description keeps line breaks and tabs', async () => {
    const { call } = api();
    const before = await catalogSize(call);
    const badOption = await call('POST', '/fields', { body: { name: 'Phase', type: 'list', options: [{ name: 'One\u0007', colour: 'blue', enabled: true }] } });
    expectError(badOption, 400, 'INVALID_REQUEST');
    expect(badOption.json.error.message).toMatch(/option name must not contain control characters/);
    const badDescription = await call('POST', '/fields', { body: { name: 'Phase', type: 'text', description: 'bell\u0007' } });
    expectError(badDescription, 400, 'INVALID_REQUEST');
    expect(await catalogSize(call)).toBe(before);
    const fine = await call('POST', '/fields', { body: { name: 'Phase', type: 'text', description: 'line one\nline two\twith a tab' } });
    expect(fine.status).toBe(201);
    expect(fine.json.description).toBe('line one\nline two\twith a tab');
  });

  it('a webhook name with a control character or a lone surrogate is refused, nothing stored', async () => {
    const { call } = api();
    for (const name of ['Hook\u0000', 'Hook\u001f', 'Hook \udc00']) {
      expectError(await call('POST', '/webhooks', { body: { name, url: 'https://hooks.example.com/x' } }), 400, 'INVALID_REQUEST');
    }
    expect((await call('GET', '/webhooks')).json.webhooks).toEqual([]);
  });
});

describe('text values', () => {
  it('a text value refuses control characters and lone surrogates; a textarea keeps line breaks and tabs but refuses the rest', async () => {
    const { call } = api();
    expect((await call('POST', '/fields', { body: { name: 'Code', type: 'text' } })).status).toBe(201);
    for (const [field, value] of [
      ['Code', 'AB\u0000CD'],
      ['Code', 'AB\u007fCD'],
      ['Code', 'AB\ud800CD'],
      ['Summary', 'line\u0000'],
      ['Summary', 'esc \u001b[0m'],
      ['Summary', 'half \udfff'],
    ] as const) {
      const answer = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { [field]: value } } });
      expectError(answer, 422, 'INVALID_INPUT');
      expect(answer.json.error.message).toMatch(/control characters|surrogate/);
    }
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(0);
    const fine = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Summary: 'one\r\ntwo\tthree', Code: 'A-1 ✓ 😀' } } });
    expect(fine.status).toBe(200);
    expect(fine.json.changes.map((c: { value: { current: unknown } }) => c.value.current).sort()).toEqual(['A-1 ✓ 😀', 'one\r\ntwo\tthree']);
  });
});

describe('JSON bodies', () => {
  it.each([
    ['/fields', 'POST', '{"name":"A","type":"text","name":"B"}'],
    ['/projects/DEMO/fields', 'PATCH', '{"fields":{"Budget":1,"Budget":2}}'],
    ['/projects/fields', 'PATCH', '{"projects":{"DEMO":{"Budget":1},"DEMO":{"Budget":2}}}'],
    ['/webhooks', 'POST', '{"name":"A","url":"https://hooks.example.com/a","url":"https://hooks.example.com/b"}'],
  ])('a key named twice in one object is 400 (%s %s), nothing stored', async (path, method, raw) => {
    const { call } = api();
    const before = await catalogSize(call);
    const answer = await call(method, path, { raw, headers: { 'Content-Type': 'application/json' } });
    expectError(answer, 400, 'INVALID_JSON');
    expect(answer.json.error.message).toMatch(/twice/);
    expect(await catalogSize(call)).toBe(before);
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(0);
    expect((await call('GET', '/webhooks')).json.webhooks).toEqual([]);
  });

  it.each(['__proto__', 'constructor'])('a value for a field named %s is refused by name, in one project and in bulk (never silently dropped)', async (name) => {
    const { call } = api();
    const one = await call('PATCH', '/projects/DEMO/fields', { raw: `{"fields":{"${name}":"x","Budget":"1"}}`, headers: { 'Content-Type': 'application/json' } });
    expectError(one, 422, 'INVALID_INPUT');
    expect(one.json.error.fieldErrors).toEqual({ [name]: expect.stringContaining(`no field named "${name}"`) });
    const bulk = await call('PATCH', '/projects/fields', { raw: `{"projects":{"DEMO":{"${name}":"x","Budget":"1"}}}`, headers: { 'Content-Type': 'application/json' } });
    expect(bulk.status).toBe(200);
    expect(bulk.json.results.DEMO).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fieldErrors: { [name]: expect.stringContaining(`no field named "${name}"`) } } });
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(0);
  });
});

describe('webhook URLs', () => {
  it.each([
    ['https://alice:s3cr3t-pass@exa mple.com/hook'],
    ['https://alice:s3cr3t-pass@hooks.example.com/hook'],
    ['alice:s3cr3t-pass@hooks.example.com'],
  ])('the refusal of %s never repeats its credentials', async (url) => {
    const { call } = api();
    const answer = await call('POST', '/webhooks', { body: { name: 'Leaky', url } });
    expectError(answer, 422, 'INVALID_INPUT');
    expect(JSON.stringify(answer.json)).not.toMatch(/s3cr3t-pass|alice/);
  });

  it.each(['https://my_hooks.example.com/x', 'https://*.example.com/x', 'https://-hooks.example.com/x'])('%s is refused: host names are letters, digits and inner hyphens', async (url) => {
    const { call } = api();
    const answer = await call('POST', '/webhooks', { body: { name: 'Odd host', url } });
    expectError(answer, 422, 'INVALID_INPUT');
    expect(answer.json.error.message).toMatch(/not a valid DNS name/);
    expect((await call('GET', '/webhooks')).json.webhooks).toEqual([]);
  });
});

describe('the same rules through the resolvers', () => {
  it('createField refuses reserved and unclean names; saveProjectFields refuses a __proto__ field id instead of dropping it', async () => {
    const { t } = api();
    for (const name of ['__proto__', 'constructor', 'Bad\u0000name']) {
      const result = await t.invoke('admin', 'createField', { name, type: 'text' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    const saved = await t.invoke('admin', 'saveProjectFields', JSON.parse('{"projectKey":"DEMO","baseRevision":0,"values":{"__proto__":"x"}}') as never);
    expect(saved).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('__proto__') } });
  });
});
