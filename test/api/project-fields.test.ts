import { changeRecords } from '../support/host-fixture';
import { expectError, useApiFixture } from './api-fixture';

const api = useApiFixture();
const DEMO_ID = 13647;

describe('GET /projects/{key}/fields', () => {
  it("answers the project's values in payload formats, with the revision as ETag", async () => {
    const { call } = api();
    const answer = await call('GET', '/projects/DEMO/fields');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"0"');
    expect(answer.json).toMatchObject({ project: { id: DEMO_ID, key: 'DEMO', name: 'Demo project' }, revision: 0, canEdit: true });
    expect(answer.json.fields).toContainEqual({ id: expect.any(Number), name: 'Budget', type: 'number', value: null });
    expect(answer.json.fields).toContainEqual({ id: expect.any(Number), name: 'Tags', type: 'multilist', value: [] });
  });

  it('an unknown project is 404; a key that is no key is 404 too', async () => {
    const { call } = api();
    expectError(await call('GET', '/projects/NOPE/fields'), 404, 'NOT_FOUND');
    expectError(await call('GET', '/projects/1abc/fields'), 404, 'NOT_FOUND');
  });
});

describe('PATCH /projects/{key}/fields', () => {
  it('takes payload formats by field name or id, saves once (one change event) and answers the changes applied', async () => {
    const { call, t } = api();
    const read = await call('GET', '/projects/DEMO/fields');
    const budgetId = read.json.fields.find((f: { name: string }) => f.name === 'Budget').id as number;
    const answer = await call('PATCH', '/projects/DEMO/fields', {
      body: {
        fields: {
          [String(budgetId)]: '23.000',
          Status: 'On track',
          tags: ['Strategic', 'Customer'],
          'Start date': '2026-01-05',
          Owner: t.accountId('viewer'),
        },
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBe('"1"');
    expect(answer.json.revision).toBe(1);
    expect(answer.json.changes).toEqual(
      expect.arrayContaining([
        { id: budgetId, name: 'Budget', type: 'number', value: { current: '23.000', previous: null } },
        expect.objectContaining({ name: 'Status', value: { current: 'On track', previous: null } }),
        expect.objectContaining({ name: 'Tags', value: { current: ['Strategic', 'Customer'], previous: [] } }),
        expect.objectContaining({ name: 'Start date', value: { current: '2026-01-05', previous: null } }),
        expect.objectContaining({ name: 'Owner', value: { current: t.accountId('viewer'), previous: null } }),
      ]),
    );
    expect(answer.json.changes).toHaveLength(5);
    await t.host.advanceClock(2_000);
    const records = await changeRecords(DEMO_ID);
    expect(records).toHaveLength(1);
    expect(records[0]?.user).toBe(t.accountId('admin'));
  });

  it('what a receiver got can be sent back: the same values change nothing and emit nothing', async () => {
    const { call } = api();
    const first = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 25, Tags: ['Customer'] } } });
    const back = Object.fromEntries((first.json.changes as { id: number; value: { current: unknown } }[]).map((c) => [String(c.id), c.value.current]));
    expect(Object.values(back)).toEqual(expect.arrayContaining(['25.000', ['Customer']]));
    const again = await call('PATCH', '/projects/DEMO/fields', { body: { fields: back } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ revision: 1, changes: [] });
  });

  it('If-Match or revision: a stale revision is 409 and nothing is written; both disagreeing is 400', async () => {
    const { call } = api();
    await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 1 } } });
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 2 } }, headers: { 'If-Match': '"0"' } }), 409, 'STALE_REVISION');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 2 }, revision: 0 } }), 409, 'STALE_REVISION');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 2 }, revision: 1 }, headers: { 'If-Match': '"0"' } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 2 } }, headers: { 'If-Match': 'yesterday' } }), 400, 'INVALID_REQUEST');
    const ok = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 2 } }, headers: { 'If-Match': '"1"' } });
    expect(ok.json.changes[0].value).toEqual({ current: '2.000', previous: '1.000' });
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(2);
  });

  it('values the rules refuse, unknown fields: 422 naming each, nothing saved', async () => {
    const { call } = api();
    const bad = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: '1.23456', Status: 'Sideways' } } });
    expectError(bad, 422, 'INVALID_INPUT');
    expect(Object.keys(bad.json.error.fieldErrors)).toHaveLength(2);
    const unknown = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Colour: 'red', '999999': 1 } } });
    expectError(unknown, 422, 'INVALID_INPUT');
    expect(unknown.json.error.fieldErrors).toEqual({ Colour: expect.stringMatching(/no field named "Colour"/), '999999': expect.stringMatching(/no field with id 999999/) });
    expect((await call('GET', '/projects/DEMO/fields')).json.revision).toBe(0);
    expect(await changeRecords(DEMO_ID)).toHaveLength(0);
  });

  it('unknown properties and wrong shapes are 400; an empty change is 400', async () => {
    const { call } = api();
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: { Budget: 1 }, extra: true } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: [1, 2] } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: { fields: {} } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/DEMO/fields', { body: [] }), 400, 'INVALID_REQUEST');
  });
});

describe('PATCH /projects/fields (bulk)', () => {
  it('each project is its own save and event, all or nothing per project, answered per project, for one queue wake-up', async () => {
    const { call, t } = api();
    await t.host.settle();
    t.host.resetUsage();
    const answer = await call('PATCH', '/projects/fields', {
      body: { projects: { DEMO: { Budget: '10', Status: 'At risk' }, OPS: { Budget: 11 }, HR: { Budget: 'lots', Status: 'Done' }, NOPE: { Budget: 1 } } },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ changed: 2, failed: 2 });
    expect(answer.json.results.DEMO).toMatchObject({ ok: true, revision: 1, project: { key: 'DEMO' } });
    expect(answer.json.results.DEMO.changes).toHaveLength(2);
    expect(answer.json.results.OPS).toMatchObject({ ok: true, revision: 1, changes: [{ name: 'Budget', value: { current: '11.000', previous: null } }] });
    expect(answer.json.results.HR).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(answer.json.results.NOPE).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // HR's valid Status was not saved: all or nothing per project.
    expect((await call('GET', '/projects/HR/fields')).json.revision).toBe(0);
    const usage = t.host.usage().byKind['webtrigger:management-api-fn'];
    expect(usage).toMatchObject({ queuePushes: 1, queueEvents: 1 });
    await t.host.advanceClock(2_000);
    expect(await changeRecords(13647)).toHaveLength(1);
    expect(await changeRecords(13648)).toHaveLength(1);
  });

  it('more than 100 projects, or none, is 400', async () => {
    const { call } = api();
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`P${i}`, { Budget: 1 }]));
    expectError(await call('PATCH', '/projects/fields', { body: { projects: many } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/fields', { body: { projects: {} } }), 400, 'INVALID_REQUEST');
    expectError(await call('PATCH', '/projects/fields', { body: { projects: { 'DE/MO': { Budget: 1 } } } }), 400, 'INVALID_REQUEST');
  });
});

describe('fields', () => {
  it('GET /fields lists the catalog; POST /fields creates a definition (201); a taken name is 409; bad input 400', async () => {
    const { call } = api();
    const list = await call('GET', '/fields');
    expect(list.status).toBe(200);
    expect(list.json.fields.map((f: { name: string }) => f.name)).toContain('Budget');
    const created = await call('POST', '/fields', { body: { name: 'Risk score', type: 'number', decimals: 1 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.any(Number), name: 'Risk score', type: 'number', decimals: 1 });
    expectError(await call('POST', '/fields', { body: { name: 'Risk score', type: 'text' } }), 409, 'CONFLICT');
    expectError(await call('POST', '/fields', { body: { name: 'X', type: 'colour' } }), 400, 'INVALID_REQUEST');
    const saved = await call('PATCH', '/projects/DEMO/fields', { body: { fields: { 'Risk score': '4.5' } } });
    expect(saved.json.changes).toEqual([{ id: created.json.id, name: 'Risk score', type: 'number', value: { current: '4.5', previous: null } }]);
  });
});
