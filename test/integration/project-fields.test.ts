import type { FieldDefinitionDto, ProjectFieldsView } from '../../src/shared/resolver-contract';
import { kvs } from '@forge/kvs';
import { asApp, changeRecords, startTestHost, type TestHost } from '../support/host-fixture';

let t: TestHost;

beforeEach(async () => {
  t = await startTestHost();
});

afterEach(async () => {
  await t.stop();
});

const field = (view: ProjectFieldsView, name: string): FieldDefinitionDto => {
  const found = view.fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
};

describe('project fields: the save path', () => {
  it('a project admin saves several fields in one save: one change record per save, one shared queue event, payload formats of the seed', async () => {
    const view = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(view.canEdit).toBe(true);
    const budget = field(view, 'Budget');
    const status = field(view, 'Status');

    await t.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 25, [status.id]: 'On track' } });
    const second = await t.invokeOk('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget.id]: '23', [status.id]: 'Done' } });
    expect(second).toEqual({ revision: 2, changedFieldIds: [status.id, budget.id].sort((a, b) => a - b) });
    await t.host.settle();

    const records = await changeRecords(13647);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({
      revision: 2,
      user: t.accountId('projectAdmin'),
      project: { id: 13647, key: 'DEMO', name: 'Demo project' },
      pushState: 'fanned-out',
    });
    expect(records[1]?.fields).toEqual(
      [
        { id: budget.id, name: 'Budget', type: 'number', value: { current: '23.000', previous: '25.000' } },
        { id: status.id, name: 'Status', type: 'status', value: { current: 'Done', previous: 'On track' } },
      ].sort((a, b) => a.id - b.id),
    );
    // The two saves came close together: they shared one fan-out wake-up.
    expect(t.host.queues.counts()).toMatchObject({ done: 1, pending: 0, inflight: 0, dead: 0 });
  });

  it('a save without a real change writes nothing and pushes nothing', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = field(view, 'Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 10 } });
    const again = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget.id]: '10.000' } });
    expect(again).toEqual({ revision: 1, changedFieldIds: [] });
    await t.host.settle();
    expect(await changeRecords(13647)).toHaveLength(1);
    expect(t.host.queues.counts()).toMatchObject({ done: 1, pending: 0 });
  });

  it('a save based on a stale revision is refused and changes nothing', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = field(view, 'Budget');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 1 } });
    const stale = await t.invoke('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 2 } });
    expect(stale).toEqual({ ok: false, error: expect.objectContaining({ code: 'STALE_REVISION', message: expect.stringMatching(/Someone else saved the fields of DEMO/) }) });
    const after = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(after.values[String(budget.id)]).toBe(1);
    expect(after.revision).toBe(1);
  });

  it("a project's first save is one write like any other: no record is created before it", async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = field(view, 'Budget');
    // Each save with no fan-out wake-up on its way (so each publishes one), counted alone.
    const requestsOf = async (save: () => Promise<unknown>) => {
      await t.host.settle();
      t.host.resetUsage();
      await save();
      return t.host.usage().total.kvsRequests;
    };
    const first = await requestsOf(() => t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 1 } }));
    const second = await requestsOf(() => t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 1, values: { [budget.id]: 2 } }));
    expect(first).toBe(second);
    expect((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).revision).toBe(2);
  });

  it('a first save writes over the empty revision-0 record an earlier version created before it', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = field(view, 'Budget');
    await asApp(() =>
      kvs.entity('project-fields').set('project:13647', {
        schemaVersion: 1,
        projectId: 13647,
        projectKey: 'DEMO',
        projectName: 'Demo project',
        revision: 0,
        values: {},
        updatedAt: 0,
        updatedBy: t.accountId('admin'),
      }),
    );
    const saved = await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 3 } });
    expect(saved.revision).toBe(1);
    const stale = await t.invoke('projectAdmin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [budget.id]: 4 } });
    expect(stale).toEqual({ ok: false, error: expect.objectContaining({ code: 'STALE_REVISION' }) });
    expect((await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' })).values[String(budget.id)]).toBe(3);
  });

  it('a viewer reads but cannot save', async () => {
    const view = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(view.canEdit).toBe(false);
    const result = await t.invoke('viewer', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [field(view, 'Budget').id]: 5 } });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) });
    expect(await changeRecords(13647)).toHaveLength(0);
  });

  it("the page's answer names the people its values mention, so the page needs no second call for them", async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const owner = field(view, 'Owner');
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: 0, values: { [owner.id]: t.accountId('teammate') } });
    const read = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(read.values[String(owner.id)]).toBe(t.accountId('teammate'));
    expect(read.users).toContainEqual(expect.objectContaining({ accountId: t.accountId('teammate'), displayName: 'Tom Teammate' }));
    // Only the people the values hold: not everyone Jira knows.
    const mentioned = new Set(Object.values(read.values).flat().filter((v): v is string => typeof v === 'string'));
    expect(read.users.every((u) => mentioned.has(u.accountId))).toBe(true);
    expect(read.users.map((u) => u.accountId)).not.toContain(t.accountId('projectAdmin'));
  });

  it('a user who cannot browse the project gets not found', async () => {
    const result = await t.invoke('viewer', 'getProjectFields', { projectKey: 'HR' });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) });
  });

  it('the project admin of DEMO cannot edit OPS', async () => {
    const view = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'OPS' });
    expect(view.canEdit).toBe(false);
  });

  it('bad values: a clear error naming the field, and nothing written', async () => {
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    const result = await t.invoke('admin', 'saveProjectFields', {
      projectKey: 'DEMO',
      baseRevision: 0,
      values: { [field(view, 'Budget').id]: 'abc', [field(view, 'Start date').id]: '2026-02-30', 999999: 'x', [field(view, 'Status').id]: 'Exploded' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.fieldErrors?.[String(field(view, 'Budget').id)]).toMatch(/^Budget: /);
    expect(result.error.fieldErrors?.[String(field(view, 'Start date').id)]).toMatch(/^Start date: /);
    expect(result.error.fieldErrors?.['999999']).toMatch(/no field with id 999999/);
    expect(result.error.fieldErrors?.[String(field(view, 'Status').id)]).toMatch(/Status: .*Exploded/);
    expect(await changeRecords(13647)).toHaveLength(0);
  });

  it('a malformed payload is rejected before anything runs', async () => {
    const result = await t.invoke('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: -1, values: {} } as never);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/baseRevision/) }) });
  });
});
