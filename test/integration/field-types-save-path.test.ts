import { DEMO_USERS } from '../../local/platform/jira-site';
import type { CreateFieldInput, FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

/**
 * Every field type through the real save path: resolver -> use case -> KVS -> change record,
 * checked in the payload formats of DESIGN.md section 4 (what webhooks will send). One host for
 * the file (starting one is the slow part), but every test creates its own field and reads the
 * project's revision itself: no test depends on another's state or order.
 */
let t: TestHost;

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

/** Virtual time after which every write shows in index queries (strict fidelity lags them 1 s). */
const INDEX_CAUGHT_UP_MS = 5_000;

let fieldSequence = 0;

/** A new field of `input`'s type, with a name no other test uses. */
function createField(input: CreateFieldInput): Promise<FieldDefinitionDto> {
  fieldSequence += 1;
  return t.invokeOk('admin', 'createField', { ...input, name: `${input.name} ${fieldSequence}` });
}

/** Saves one value on DEMO, based on the revision stored now. */
async function saveOnDemo(definition: FieldDefinitionDto, value: unknown) {
  const { revision } = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  return t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: revision, values: { [definition.id]: value } });
}

describe.each(cases)('$input.type ($input.name) through the save path', ({ input, first, second, expected }) => {
  it('a save sets the value and a second save records previous/current in payload format', async () => {
    const definition = await createField(input);
    expect(await saveOnDemo(definition, first)).toMatchObject({ ok: true });
    const secondSave = await saveOnDemo(definition, second);
    expect(secondSave).toMatchObject({ ok: true, value: { changedFieldIds: [definition.id] } });
    if (!secondSave.ok) return;
    // Change records are found by an index query, which lags writes on Forge (and in strict fidelity).
    await t.host.advanceClock(INDEX_CAUGHT_UP_MS);
    const change = (await changeRecords(13647)).find((record) => record.revision === secondSave.value.revision);
    expect(change?.fields).toEqual([{ id: definition.id, name: definition.name, type: input.type, value: expected }]);
  });
});

const inputOf = (name: string): CreateFieldInput => {
  const found = cases.find((c) => c.input.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found.input;
};

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
    const definition = await createField(inputOf(name));
    const before = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const result = await saveOnDemo(definition, value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.fieldErrors?.[String(definition.id)]).toMatch(new RegExp(`^${definition.name}: `));
    const after = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(after.revision).toBe(before.revision);
  });
});
