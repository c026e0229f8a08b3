import { RESCAN_AFTER_START_MS } from '../../src/app/field-cleanup';
import { createKvsProjectFieldsStore } from '../../src/forge/kvs-project-fields-store';
import { asApp, startTestHost, type TestHost } from '../support/host-fixture';

let t: TestHost;

/** Strict fidelity: index queries lag writes by 1 s of the virtual clock. */
const pastIndexLag = () => t.host.advanceClock(2_000);

/** The cleanup's first pass, then its second one after the lag (a delayed wake-up), to the end. */
async function cleanupDone(): Promise<void> {
  await t.host.settle();
  await t.host.advanceClock(RESCAN_AFTER_START_MS + 5_000);
  await t.host.settle();
}

/** A field's value as stored, read by key (reads through the app filter deleted fields out). */
async function storedValue(projectId: number, fieldId: number): Promise<unknown> {
  const record = await asApp(() => createKvsProjectFieldsStore().load(projectId));
  if (!record) throw new Error(`project ${projectId} has no stored values`);
  return record.values[String(fieldId)];
}

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  await t.stop();
});

describe('field catalog (admin)', () => {
  it('install seeds the default catalog once; a second install event leaves it as it is', async () => {
    const { fields } = await t.invokeOk('viewer', 'listFieldDefinitions');
    expect(fields.map((f) => [f.name, f.type])).toEqual([
      ['Status', 'status'],
      ['Priority', 'priority'],
      ['Start date', 'date'],
      ['End date', 'date'],
      ['Budget', 'number'],
      ['Owner', 'user'],
      ['Stakeholders', 'multiuser'],
      ['Tags', 'multilist'],
      ['Summary', 'textarea'],
    ]);
    expect(fields.find((f) => f.name === 'Budget')?.decimals).toBe(3);
    expect(fields.find((f) => f.name === 'Status')?.options?.map((o) => o.name)).toEqual(['On track', 'At risk', 'Off track', 'Done']);
    await t.host.runtime.emitProductEvent('avi:forge:installed:app', {});
    expect((await t.invokeOk('viewer', 'listFieldDefinitions')).fields).toEqual(fields);
  });

  it.each(['projectAdmin', 'viewer'] as const)('%s may not create, update or delete fields', async (user) => {
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const id = fields[0]?.id ?? 0;
    for (const result of [
      await t.invoke(user, 'createField', { name: 'Risk', type: 'text' }),
      await t.invoke(user, 'updateField', { id, name: 'Renamed' }),
      await t.invoke(user, 'deleteField', { id }),
      await t.invoke(user, 'countFieldUsage', { id }),
    ]) {
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/Only Jira admins/) }) });
    }
    expect((await t.invokeOk('admin', 'listFieldDefinitions')).fields).toEqual(fields);
  });

  it('creates fields with numeric ids and server-assigned option ids; ids are never reused after a delete', async () => {
    const risk = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'list', options: [{ name: 'Low', colour: 'green', enabled: true }, { name: 'High', colour: 'red', enabled: true }] });
    expect(Number.isInteger(risk.id)).toBe(true);
    expect(risk.options?.map((o) => o.id).every(Number.isInteger)).toBe(true);
    await t.invokeOk('admin', 'deleteField', { id: risk.id });
    const again = await t.invokeOk('admin', 'createField', { name: 'Risk', type: 'list', options: [{ name: 'Low', colour: 'green', enabled: true }] });
    expect(again.id).toBeGreaterThan(risk.id);
    expect(again.options?.[0]?.id).toBeGreaterThan(Math.max(...(risk.options ?? []).map((o) => o.id)));
  });

  it('refuses a duplicate name, a bad colour and decimals on a non-number field, changing nothing', async () => {
    const before = (await t.invokeOk('admin', 'listFieldDefinitions')).fields;
    expect(await t.invoke('admin', 'createField', { name: 'budget', type: 'text' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/"Budget" already exists/) }) });
    expect(await t.invoke('admin', 'createField', { name: 'Risk', type: 'list', options: [{ name: 'x', colour: 'chartreuse', enabled: true }] })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/colour/) }) });
    expect(await t.invoke('admin', 'createField', { name: 'Risk', type: 'text', decimals: 2 })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
    expect(await t.invoke('admin', 'createField', { name: 'Risk', type: 'rainbow' } as never)).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/type/) }) });
    expect((await t.invokeOk('admin', 'listFieldDefinitions')).fields).toEqual(before);
  });

  it('updates name, decimals and options: existing option ids stay, new ones get ids, type never changes', async () => {
    const { fields } = await t.invokeOk('admin', 'listFieldDefinitions');
    const status = fields.find((f) => f.name === 'Status');
    if (!status?.options) throw new Error('no Status');
    const updated = await t.invokeOk('admin', 'updateField', {
      id: status.id,
      name: 'Health',
      options: [...status.options.map((o) => ({ ...o, enabled: o.name !== 'At risk' })), { name: 'Paused', colour: 'grey', enabled: true }],
    });
    expect(updated.type).toBe('status');
    expect(updated.options?.slice(0, 4).map((o) => o.id)).toEqual(status.options.map((o) => o.id));
    expect(updated.options?.find((o) => o.name === 'At risk')?.enabled).toBe(false);
    expect(updated.options?.find((o) => o.name === 'Paused')?.id).toEqual(expect.any(Number));
    expect(await t.invoke('admin', 'updateField', { id: status.id, type: 'text' } as never)).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT' }) });
    expect(await t.invoke('admin', 'updateField', { id: status.id, options: [{ id: 999999, name: 'Ghost', colour: 'grey', enabled: true }] })).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/id 999999/) }) });
  });

  it('deleting a field says how many projects held values; its values disappear once the cleanup queue settles', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget');
    if (!budget) throw new Error('no Budget');
    const demo = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 5 } });
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'OPS', baseRevision: 0, values: { [budget.id]: 6 } });
    const ops = (await t.invokeOk('admin', 'getProjectFields', { projectKey: 'OPS' })).project;
    await pastIndexLag(); // the count is an index count
    expect(await t.invokeOk('admin', 'countFieldUsage', { id: budget.id })).toEqual({ id: budget.id, projectsWithValues: 2 });

    expect(await t.invokeOk('admin', 'deleteField', { id: budget.id })).toEqual({ id: budget.id, projectsWithValues: 2 });
    // Gone from the catalog at once; values of a field that no longer exists are ignored on read.
    const after = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(demo.revision).toBe(1);
    expect(after.fields.some((f) => f.id === budget.id)).toBe(false);
    expect(after.values[String(budget.id)]).toBeUndefined();
    expect(await t.invoke('admin', 'deleteField', { id: budget.id })).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) });

    await cleanupDone();
    expect(await storedValue(view.project.id, budget.id)).toBeUndefined();
    expect(await storedValue(ops.id, budget.id)).toBeUndefined();
    expect((await t.invokeOk('admin', 'listFieldCleanups')).cleanups).toEqual([
      { fieldId: budget.id, fieldName: 'Budget', projectsWithValues: 2, projectsCleaned: 2, startedAt: expect.any(Number), finishedAt: expect.any(Number) },
    ]);
  });

  it('values saved a moment before the delete are removed too: the cleanup looks again after the index lag', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = view.fields.find((f) => f.name === 'Budget');
    if (!budget) throw new Error('no Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 5 } });
    await t.invokeOk('admin', 'deleteField', { id: budget.id }); // no wait: a lagging index may not show the save yet
    await t.host.settle();
    await pastIndexLag(); // the list of cleanups is an index query too
    expect((await t.invokeOk('admin', 'listFieldCleanups')).cleanups).toEqual([expect.objectContaining({ fieldId: budget.id, fieldName: 'Budget', finishedAt: null })]);
    await cleanupDone();
    expect(await storedValue(view.project.id, budget.id)).toBeUndefined();
    expect((await t.invokeOk('admin', 'listFieldCleanups')).cleanups).toEqual([expect.objectContaining({ fieldId: budget.id, projectsCleaned: 1, finishedAt: expect.any(Number) })]);
  });

  it('only Jira admins see field cleanups', async () => {
    expect(await t.invoke('projectAdmin', 'listFieldCleanups')).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
  });

  it('session: who the platform says the user is, never a payload', async () => {
    expect(await t.invokeOk('viewer', 'getSession')).toEqual({ accountId: t.accountId('viewer'), displayName: 'Vera Viewer', isJiraAdmin: false, appVersion: expect.any(String) });
    const invokeLoosely = t.invokeOk as (user: string, name: string, payload: unknown) => Promise<unknown>;
    expect(await invokeLoosely('admin', 'getSession', { accountId: t.accountId('viewer') })).toMatchObject({ accountId: t.accountId('admin'), isJiraAdmin: true });
  });

  it('user search and lookup go to Jira as the user', async () => {
    expect((await t.invokeOk('viewer', 'searchUsers', { query: 'tom' })).users).toEqual([expect.objectContaining({ displayName: 'Tom Teammate' })]);
    expect((await t.invokeOk('viewer', 'searchUsers', { query: '  ' })).users).toEqual([]);
    expect((await t.invokeOk('viewer', 'getUsers', { accountIds: [t.accountId('admin')] })).users).toEqual([expect.objectContaining({ displayName: 'Alice Admin' })]);
  });

  it('looks up many users in batches, and says when the user may not search users', async () => {
    const unknown = Array.from({ length: 120 }, (_, i) => `712020:unknown-${i}`);
    const ids = [...unknown.slice(0, 60), t.accountId('viewer'), ...unknown.slice(60), t.accountId('admin')];
    expect((await t.invokeOk('admin', 'getUsers', { accountIds: ids })).users.map((u) => u.displayName)).toEqual(['Vera Viewer', 'Alice Admin']);
    expect(await t.invoke('teammate', 'searchUsers', { query: 'vera' })).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringMatching(/Browse users and groups/) }) });
  });
});
