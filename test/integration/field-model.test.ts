import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kvs } from '@forge/kvs';
import { startDemoReceiver, type DemoReceiver } from '../../local/demo-receiver';
import { DEMO_USERS } from '../../local/platform/jira-site';
import { webhookBodySchema, type WebhookBody } from '../../src/domain/webhook-body';
import { ENTITY, storageKeys } from '../../src/forge/storage-keys';
import type { CreateFieldInput, FieldDefinitionDto } from '../../src/shared/resolver-contract';
import { asApp, startTestHost, type DemoUserName, type TestHost } from '../support/host-fixture';

/**
 * The field model of issue 19 through the real SDKs on the offline host: formula fields (checked
 * when the catalog is saved, worked out on read, read-only, never a cause of a webhook nor part
 * of one), related projects (only projects the saver can browse), the automatic fields, option
 * value ids and number affixes, and a catalog stored before any of them. Each test gets its own
 * host (installed by Alice, so the automatic fields know the installer) and a webhook to the
 * demo receiver that follows every field.
 */

let receiver: DemoReceiver;
let tlsDir: string;
let t: TestHost;
/** The host's (virtual) day at install, as the automatic Created date shows it. */
let installDay: string;
const today = () => new Date(Date.now()).toISOString().slice(0, 10);

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'prw-fm-tls-'));
  receiver = await startDemoReceiver({ port: 0, tlsDir });
});
afterAll(async () => {
  await receiver.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

async function startHost(options: { install?: boolean } = {}): Promise<TestHost> {
  receiver.clear();
  t = await startTestHost({ allowLoopbackTargets: true, egressFetch: receiver.trustedFetch, seedCatalog: false });
  if (options.install !== false) {
    installDay = today();
    await t.host.runtime.emitProductEvent('avi:forge:installed:app', { installerAccountId: DEMO_USERS.admin.accountId, context: { cloudId: 'test' } });
  }
  return t;
}
afterEach(async () => {
  await t.stop();
});

async function hook(name: string, extra: Record<string, unknown> = {}): Promise<void> {
  const created = await t.invokeOk('admin', 'createWebhook', { name: `Hook ${name}`, url: receiver.hookUrl(name), ...extra });
  receiver.setSecret(name, created.secret);
}

async function fieldNamed(name: string): Promise<FieldDefinitionDto> {
  const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field;
}

const create = (input: CreateFieldInput) => t.invokeOk('admin', 'createField', input);

/** Saves DEMO's fields by name as `user`, based on the revision stored now. */
async function save(values: Record<string, unknown>, user: DemoUserName = 'admin') {
  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  const byId: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) byId[String((await fieldNamed(name)).id)] = value;
  return t.invoke(user, 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: byId });
}

async function valuesByName(user: DemoUserName = 'admin'): Promise<Record<string, unknown>> {
  const view = await t.invokeOk(user, 'getProjectFields', { projectKey: 'DEMO' });
  return Object.fromEntries(view.fields.map((f) => [f.name, view.values[String(f.id)]]));
}

/** The bodies `hook` received, oldest first, every signature checked. */
async function delivered(name: string): Promise<WebhookBody[]> {
  await t.host.settle();
  return receiver
    .received(name)
    .map((request) => {
      expect(request.verdict).toEqual({ valid: true });
      return webhookBodySchema.parse(JSON.parse(request.body));
    })
    .sort((a, b) => (a.data.revision ?? 0) - (b.data.revision ?? 0));
}

const fieldNames = (bodies: readonly WebhookBody[]) => bodies.map((b) => b.data.fields.map((f) => f.name));

describe('formula fields: checked when the catalog is saved, naming the field', () => {
  beforeEach(() => startHost());

  it.each<[string, CreateFieldInput, RegExp]>([
    ['an unknown field', { name: 'Margin', type: 'formula', expression: '{Budget} - {Costs}' }, /^The field definition is not valid: Formula Margin: there is no field named "Costs"\.$/],
    ['a type mismatch', { name: 'Odd', type: 'formula', expression: '{Budget} + {Start date}' }, /Formula Odd: cannot add a number and a date \(\{Budget\} \+ \{Start date\}\)/],
    ['a field formulas cannot use', { name: 'Score', type: 'formula', expression: '{Owner} * 2' }, /Formula Score: \{Owner\} is a user field/],
    ['a syntax error', { name: 'Broken', type: 'formula', expression: '{Budget} *' }, /Formula Broken: expected a number/],
    ['itself', { name: 'Loop', type: 'formula', expression: '{Loop} + 1' }, /Formula Loop: it depends on itself \(Loop → Loop\)/],
    ['a formula without expression', { name: 'Empty', type: 'formula' }, /a formula field needs an expression/],
  ])('refuses %s and stores nothing', async (_label, input, message) => {
    const before = await t.invokeOk('admin', 'listFieldDefinitions');
    const result = await t.invoke('admin', 'createField', input);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!result.ok) expect(result.error.message).toMatch(message);
    expect(await t.invokeOk('admin', 'listFieldDefinitions')).toEqual(before);
  });

  it('refuses a change that makes a cycle through another formula, naming the formula', async () => {
    await create({ name: 'Cost', type: 'number', decimals: 2 });
    const a = await create({ name: 'A', type: 'formula', expression: '{Budget} - {Cost}' });
    await create({ name: 'B', type: 'formula', expression: '{A} * 2' });
    const result = await t.invoke('admin', 'updateField', { id: a.id, expression: '{B} + 1' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Formula A: it depends on itself \(A → B → A\)/) } });
    expect((await fieldNamed('A')).expression).toBe('{Budget} - {Cost}');
  });

  it('a field a formula uses cannot be deleted; a renamed one keeps the formula working', async () => {
    const cost = await create({ name: 'Cost', type: 'number', decimals: 2 });
    await create({ name: 'Margin', type: 'formula', expression: '{Budget} - {cost}', decimals: 1 });
    const refused = await t.invoke('admin', 'deleteField', { id: cost.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: 'Cost is used by the formula Margin. Change or delete that formula first.' } });
    await t.invokeOk('admin', 'updateField', { id: cost.id, name: 'Spend' });
    expect((await fieldNamed('Margin')).expression).toBe('{Budget} - {Spend}');
    expect(await save({ Budget: 10, Spend: 2.25 })).toMatchObject({ ok: true });
    expect((await valuesByName()).Margin).toBe('7.8');
  });
});

describe('formula fields: worked out on read, read-only, never in a webhook', () => {
  beforeEach(() => startHost());

  it('a formula over numbers, dates and durations shows its exact result to every reader, and follows its inputs', async () => {
    await create({ name: 'Cost', type: 'number', decimals: 2 });
    await create({ name: 'Effort', type: 'duration' });
    await create({ name: 'Margin', type: 'formula', expression: '({Budget} - {Cost}) / 3', decimals: 4, prefix: '€' });
    await create({ name: 'Days', type: 'formula', expression: '{End date} - {Start date}' });
    await create({ name: 'Per day', type: 'formula', expression: 'max({Effort} / {Days}, 0 * {Effort})' });
    await create({ name: 'Deadline', type: 'formula', expression: 'max({Start date}, {End date})' });
    expect(await save({ Budget: 1.1, Cost: 0.1, 'Start date': '2024-02-27', 'End date': '2024-03-02', Effort: 3_600_000 })).toMatchObject({ ok: true });
    const view = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    const byName = Object.fromEntries(view.fields.map((f) => [f.name, view.values[String(f.id)]]));
    expect(byName).toMatchObject({ Margin: '0.3333', Days: '4', 'Per day': '900000', Deadline: '2024-03-02' });
    expect(view.formulaKinds).toEqual({
      [(await fieldNamed('Margin')).id]: 'number',
      [(await fieldNamed('Days')).id]: 'number',
      [(await fieldNamed('Per day')).id]: 'duration',
      [(await fieldNamed('Deadline')).id]: 'date',
    });
    // A save of an input changes what the formula reads as; emptying one empties it.
    expect(await save({ Cost: 1.1 })).toMatchObject({ ok: true });
    expect((await valuesByName()).Margin).toBe('0.0000');
    expect(await save({ Cost: null })).toMatchObject({ ok: true });
    expect((await valuesByName()).Margin).toBeUndefined();
  });

  it('a formula cannot be set by a save, which names it and changes nothing', async () => {
    await create({ name: 'Double', type: 'formula', expression: '{Budget} * 2' });
    const result = await save({ Double: '12', Budget: 5 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'Nothing was saved. Double: is calculated from other fields by its formula and cannot be set' } });
    expect((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).revision).toBe(0);
  });

  it('through the real pipeline: a formula is never part of a webhook nor a cause of one', async () => {
    await create({ name: 'Double', type: 'formula', expression: '{Budget} * 2', decimals: 1 });
    const double = await fieldNamed('Double');
    await hook('all');
    await hook('formula-only', { fieldIds: [double.id] });

    // Budget's change moves Double too; only Budget is sent, and nothing to the formula-only webhook.
    expect(await save({ Budget: 5 })).toMatchObject({ ok: true });
    expect(await save({ Budget: 6, Status: 'At risk' })).toMatchObject({ ok: true });
    expect((await valuesByName()).Double).toBe('12.0');
    // Changing the formula itself changes the project's value of it, and sends nothing.
    await t.invokeOk('admin', 'updateField', { id: double.id, expression: '{Budget} * 3' });
    expect((await valuesByName()).Double).toBe('18.0');

    const bodies = await delivered('all');
    expect(fieldNames(bodies)).toEqual([['Budget'], ['Status', 'Budget']]);
    expect(JSON.stringify(bodies)).not.toContain('Double');
    expect(await delivered('formula-only')).toEqual([]);
  });
});

describe('related projects', () => {
  beforeEach(() => startHost());

  it('hold project keys, only of projects the saver can browse; webhooks get the keys', async () => {
    await create({ name: 'Depends on', type: 'project' });
    await create({ name: 'Risks', type: 'multiproject' });
    await hook('all');

    // Paul browses DEMO and OPS, not HR: HR reads as not there, and nothing is saved.
    const refused = await save({ 'Depends on': 'hr', Risks: ['OPS'] }, 'projectAdmin');
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!refused.ok) expect(Object.values(refused.error.fieldErrors ?? {})).toEqual(['Depends on: there is no project HR that you can browse']);
    const unknown = await save({ Risks: ['NOPE'] }, 'projectAdmin');
    if (!unknown.ok) expect(Object.values(unknown.error.fieldErrors ?? {})).toEqual(['Risks: there is no project NOPE that you can browse']);
    expect(unknown.ok).toBe(false);

    expect(await save({ 'Depends on': 'ops', Risks: ['OPS', 'DEMO'] }, 'projectAdmin')).toMatchObject({ ok: true });
    // Alice may add HR; Paul may then keep it while changing the rest of the list.
    expect(await save({ Risks: ['OPS', 'DEMO', 'HR'] })).toMatchObject({ ok: true });
    expect(await save({ Risks: ['HR', 'DEMO'] }, 'projectAdmin')).toMatchObject({ ok: true });
    expect(await save({ 'Depends on': null, Risks: [] }, 'projectAdmin')).toMatchObject({ ok: true });

    const values = (await delivered('all')).map((b) => b.data.fields.map((f) => [f.name, f.value]));
    expect(values).toEqual([
      [
        ['Depends on', { current: 'OPS', previous: null }],
        ['Risks', { current: ['OPS', 'DEMO'], previous: [] }],
      ],
      [['Risks', { current: ['OPS', 'DEMO', 'HR'], previous: ['OPS', 'DEMO'] }]],
      [['Risks', { current: ['HR', 'DEMO'], previous: ['OPS', 'DEMO', 'HR'] }]],
      [
        ['Depends on', { current: null, previous: 'OPS' }],
        ['Risks', { current: [], previous: ['HR', 'DEMO'] }],
      ],
    ]);
  });

  it('the picker offers only the projects the user can browse', async () => {
    const keys = async (user: DemoUserName, query = '') => (await t.invokeOk(user, 'searchBrowsableProjects', { query })).projects.map((p) => p.key).sort();
    expect(await keys('projectAdmin')).toEqual(['DEMO', 'OPS']);
    expect(await keys('teammate')).toEqual(['DEMO']);
    expect(await keys('admin')).toEqual(['DEMO', 'HR', 'OPS']);
    expect(await keys('admin', 'people')).toEqual(['HR']);
  });
});

describe('automatic fields', () => {
  it('Updated, Created date and Creator are filled by the app, read-only, and never a webhook change', async () => {
    await startHost();
    await create({ name: 'Updated', type: 'updated' });
    await create({ name: 'Created date', type: 'created' });
    await create({ name: 'Creator', type: 'creator' });
    await create({ name: 'Days since install', type: 'formula', expression: '{Updated} - {Created date}' });
    await hook('all');
    await hook('updated-only', { fieldIds: [(await fieldNamed('Updated')).id] });

    expect(await valuesByName('viewer')).toMatchObject({ 'Created date': installDay, Creator: DEMO_USERS.admin.accountId });
    expect((await valuesByName('viewer')).Updated).toBeUndefined();
    // Three days later: Updated is the day of the save, Created date stays the install's.
    await t.host.advanceClock(3 * 24 * 3600_000);
    expect(await save({ Budget: 1 })).toMatchObject({ ok: true });
    const saveDay = today();
    expect(saveDay).not.toBe(installDay);
    expect(await valuesByName('viewer')).toMatchObject({ Updated: saveDay, 'Created date': installDay, 'Days since install': '3' });

    const refused = await save({ Updated: '2026-01-01', Creator: DEMO_USERS.viewer.accountId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!refused.ok) expect(Object.values(refused.error.fieldErrors ?? {})).toEqual(['Updated: is filled by the app and cannot be set', 'Creator: is filled by the app and cannot be set']);

    // Updated moved with the save, but only Budget was a change: the Updated-only webhook got nothing.
    expect(fieldNames(await delivered('all'))).toEqual([['Budget']]);
    expect(await delivered('updated-only')).toEqual([]);
  });
});

describe('option value ids and number affixes', () => {
  beforeEach(() => startHost());

  it('an option named by its value id is sent by name; a number is sent without its prefix and suffix', async () => {
    await create({
      name: 'Region',
      type: 'list',
      options: [
        { name: 'Europe', colour: 'blue', enabled: true, valueId: 'EU' },
        { name: 'Americas', colour: 'green', enabled: true, valueId: 'AM' },
      ],
    });
    await create({ name: 'Price', type: 'number', decimals: 2, prefix: '$', suffix: 'USD' });
    const region = await fieldNamed('Region');
    expect(region.options?.map((o) => [o.name, o.valueId])).toEqual([
      ['Europe', 'EU'],
      ['Americas', 'AM'],
    ]);
    await hook('all');
    expect(await save({ Region: 'EU', Price: '12.5' })).toMatchObject({ ok: true });
    expect(await save({ Region: 'Americas' })).toMatchObject({ ok: true });
    const values = (await delivered('all')).flatMap((b) => b.data.fields.map((f) => [f.name, f.value]));
    expect(values).toEqual([
      ['Region', { current: 'Europe', previous: null }],
      ['Price', { current: '12.50', previous: null }],
      ['Region', { current: 'Americas', previous: 'Europe' }],
    ]);
  });

  it('a value id that is another option\'s name is refused, naming it', async () => {
    const result = await t.invoke('admin', 'createField', {
      name: 'Region',
      type: 'list',
      options: [
        { name: 'Europe', colour: 'blue', enabled: true, valueId: 'Asia' },
        { name: 'Asia', colour: 'green', enabled: true },
      ],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('option value id "Asia" is the name of option "Asia"') } });
  });
});

describe('stored records of an older shape', () => {
  it('a catalog written before value ids, affixes, formulas and install facts loads, and takes new fields', async () => {
    await startHost({ install: false });
    await asApp(() =>
      kvs.entity(ENTITY.fieldCatalog).set(storageKeys.fieldCatalog(), {
        schemaVersion: 1,
        version: 4,
        nextFieldId: 10002,
        nextOptionId: 3,
        fields: [
          { id: 10000, name: 'Status', type: 'status', options: [{ id: 1, name: 'On track', colour: 'green', enabled: true }, { id: 2, name: 'Done', colour: 'blue', enabled: true }] },
          { id: 10001, name: 'Budget', type: 'number', decimals: 3 },
        ],
      }),
    );
    await create({ name: 'Created date', type: 'created' });
    await create({ name: 'Twice', type: 'formula', expression: '{Budget} * 2' });
    expect(await save({ Status: 'Done', Budget: 4 })).toMatchObject({ ok: true });
    // No install was recorded with this catalog: Created date is empty rather than made up.
    expect(await valuesByName()).toEqual({ Status: 2, Budget: 4, Twice: '8' });
  });
});
