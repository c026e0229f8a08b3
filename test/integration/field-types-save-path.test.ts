import { DEMO_USERS } from '../../local/platform/jira-site';
import type { CreateFieldInput, FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

/**
 * Every field type through the real save path: resolver -> use case -> KVS -> change record,
 * checked in the payload formats of DESIGN.md section 4 (what webhooks will send).
 */
let t: TestHost;
let revision = 0;

beforeAll(async () => {
  t = await startTestHost({ seedCatalog: false });
});

afterAll(async () => {
  await t.stop();
});

const colours = { a: 'green', b: 'red' } as const;
const options = [
  { name: 'Alpha', colour: colours.a, enabled: true },
  { name: 'Beta', colour: colours.b, enabled: true },
  { name: 'Gamma', colour: 'blue', enabled: false },
];

interface Case {
  readonly input: CreateFieldInput;
  readonly first: unknown;
  readonly second: unknown;
  readonly expected: { current: unknown; previous: unknown };
}

const cases: Case[] = [
  { input: { name: 'T text', type: 'text' }, first: 'hello', second: '  world  ', expected: { previous: 'hello', current: 'world' } },
  { input: { name: 'T textarea', type: 'textarea' }, first: 'a', second: '*bold*\nline 2', expected: { previous: 'a', current: '*bold*\nline 2' } },
  { input: { name: 'T number', type: 'number', decimals: 3 }, first: 25, second: '23', expected: { previous: '25.000', current: '23.000' } },
  { input: { name: 'T number 0', type: 'number', decimals: 0 }, first: -4, second: 1000000, expected: { previous: '-4', current: '1000000' } },
  { input: { name: 'T date', type: 'date' }, first: '2024-02-29', second: '2026-12-31', expected: { previous: '2024-02-29', current: '2026-12-31' } },
  { input: { name: 'T duration', type: 'duration' }, first: 3_600_000, second: '5400000', expected: { previous: '3600000', current: '5400000' } },
  { input: { name: 'T list', type: 'list', options }, first: 'Alpha', second: 'Beta', expected: { previous: 'Alpha', current: 'Beta' } },
  { input: { name: 'T multilist', type: 'multilist', options }, first: ['Beta'], second: ['Beta', 'Alpha'], expected: { previous: ['Beta'], current: ['Alpha', 'Beta'] } },
  { input: { name: 'T status', type: 'status', options }, first: 'Alpha', second: null, expected: { previous: 'Alpha', current: null } },
  { input: { name: 'T priority', type: 'priority', options }, first: null, second: 'Beta', expected: { previous: null, current: 'Beta' } },
  { input: { name: 'T user', type: 'user' }, first: DEMO_USERS.viewer.accountId, second: DEMO_USERS.admin.accountId, expected: { previous: DEMO_USERS.viewer.accountId, current: DEMO_USERS.admin.accountId } },
  { input: { name: 'T multiuser', type: 'multiuser' }, first: [], second: [DEMO_USERS.viewer.accountId], expected: { previous: [], current: [DEMO_USERS.viewer.accountId] } },
];

async function latestChange() {
  return (await changeRecords(13647)).at(-1);
}

describe.each(cases)('$input.type ($input.name) through the save path', ({ input, first, second, expected }) => {
  let definition: FieldDefinitionDto;

  beforeAll(async () => {
    definition = await t.invokeOk('admin', 'createField', input);
  });

  it('a save sets the value and a second save records previous/current in payload format', async () => {
    const firstSave = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [definition.id]: first } });
    revision = firstSave.revision;
    const secondSave = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [definition.id]: second } });
    expect(secondSave.changedFieldIds).toEqual([definition.id]);
    revision = secondSave.revision;
    const change = await latestChange();
    expect(change?.revision).toBe(revision);
    expect(change?.fields).toEqual([{ id: definition.id, name: input.name, type: input.type, value: expected }]);
  });
});

describe('values a type must refuse, naming the field, writing nothing', () => {
  it.each([
    ['T text', 'x'.repeat(256)],
    ['T number', 1.23456],
    ['T number', 'twelve'],
    ['T date', '2026-13-01'],
    ['T duration', -1],
    ['T list', 'Gamma'],
    ['T list', 'Nope'],
    ['T multilist', ['Alpha', 'Nope']],
    ['T user', 'has spaces'],
    ['T multiuser', 'not-an-array'],
  ])('%s refuses %j', async (name, value) => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const definition = view.fields.find((f) => f.name === name);
    if (!definition) throw new Error(`no field ${name}`);
    const result = await t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [definition.id]: value } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.fieldErrors?.[String(definition.id)]).toMatch(new RegExp(`^${name}: `));
    const after = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(after.revision).toBe(view.revision);
  });
});
