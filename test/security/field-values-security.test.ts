import { DEMO_GROUPS, DEMO_PROJECTS, DEMO_ROLES, DEMO_USERS } from '../../local/platform/jira-site';
import { NOBODY, type FieldAccess, type FieldAudience } from '../../src/shared/field-access';
import type { ResolverResult } from '../../src/shared/resolver-contract';
import { startTestHost, type DemoUserName, type TestHost } from '../support/host-fixture';
import { dumpStorage } from '../support/storage-dump';

/**
 * Field values security through the real SDKs on the offline host: fields whose values only some
 * people see or edit, by every kind of audience, for every demo person. The expectations come
 * from the demo site's own facts (who browses and administers DEMO, who acts in which role, who is
 * in which group), worked out here independently of the app's code.
 */

const role = (name: string) => {
  const r = DEMO_ROLES.find((x) => x.name === name);
  if (!r) throw new Error(`no role ${name}`);
  return { id: r.id, name: r.name };
};
const group = (name: string) => {
  const g = DEMO_GROUPS.find((x) => x.name === name);
  if (!g) throw new Error(`no group ${name}`);
  return { id: g.groupId, name: g.name };
};
const audience = (overrides: Partial<FieldAudience>): FieldAudience => ({ ...NOBODY, ...overrides });
const everyone = audience({ everyone: true });

/** The restricted fields of this test, each with its rules. */
const FIELDS: { name: string; access: FieldAccess }[] = [
  { name: 'Cost centre', access: { view: audience({ projectAdmins: true, roles: [role('Developers')] }), edit: audience({ projectAdmins: true }) } },
  { name: 'Sprint goal', access: { view: everyone, edit: audience({ roles: [role('Developers')] }) } },
  { name: 'Salary band', access: { view: audience({ groups: [group('finance')] }), edit: audience({ groups: [group('finance')] }) } },
  { name: 'Vera’s note', access: { view: audience({ users: [DEMO_USERS.viewer.accountId] }), edit: audience({ users: [DEMO_USERS.viewer.accountId] }) } },
];

const DEMO = DEMO_PROJECTS.find((p) => p.key === 'DEMO');
if (!DEMO) throw new Error('no DEMO project');

/** What the demo site says about a person in DEMO, and the rule read plainly. */
function expected(user: DemoUserName, access: FieldAccess): { view: boolean; edit: boolean } {
  const u = DEMO_USERS[user];
  if (!u.active || !DEMO) return { view: false, edit: false };
  const admin = u.jiraAdmin;
  const browses = admin || DEMO.browsers.includes(u.accountId) || DEMO.admins.includes(u.accountId);
  const groups = new Set<string>('groups' in u ? u.groups : []);
  const roles = new Set(
    Object.entries(DEMO.roles ?? {})
      .filter(([, actors]) => actors.users.includes(u.accountId) || actors.groups.some((g) => groups.has(g)))
      .map(([id]) => Number(id)),
  );
  const within = (a: FieldAudience) =>
    a.everyone || (a.projectAdmins && DEMO.admins.includes(u.accountId)) || a.roles.some((r) => roles.has(r.id)) || a.groups.some((g) => groups.has(g.id)) || a.users.includes(u.accountId);
  const view = browses && (admin || within(access.view));
  return { view, edit: view && (admin || within(access.edit)) };
}

const PEOPLE: DemoUserName[] = ['admin', 'projectAdmin', 'viewer', 'teammate'];

let t: TestHost;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await startTestHost({ log: () => undefined });
  for (const f of FIELDS) ids[f.name] = (await t.invokeOk('admin', 'createField', { name: f.name, type: 'text', access: f.access })).id;
  // Values set by the Jira admin, who sees and edits everything.
  const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
  await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: Object.fromEntries(FIELDS.map((f) => [String(ids[f.name]), `secret of ${f.name}`])) });
});

afterAll(async () => {
  await t.stop();
});

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

describe('field values security: the matrix of people and audiences', () => {
  for (const user of PEOPLE) {
    for (const f of FIELDS) {
      const rule = expected(user, f.access);
      it(`${user} ${rule.view ? (rule.edit ? 'sees and edits' : 'sees, read-only,') : 'does not see'} ${f.name}`, async () => {
        const view = await t.invokeOk(user, 'getProjectFields', { projectKey: 'DEMO' });
        const id = ids[f.name] ?? 0;
        const shown = view.fields.find((d) => d.id === id);
        expect(shown !== undefined).toBe(rule.view);
        // The value only where the field is shown; who else sees it is not told to anyone.
        expect(view.values[String(id)] !== undefined).toBe(rule.view);
        expect(view.fields.every((d) => !('access' in d))).toBe(true);
        expect((view.editableFieldIds ?? []).includes(id)).toBe(rule.edit);

        const before = await dumpStorage(t.host);
        const result = (await t.invoke(user, 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [String(id)]: `changed by ${user}` } })) as ResolverResult<unknown>;
        if (rule.edit) {
          expect(result.ok).toBe(true);
          // Put back for the next case (as the admin).
          const again = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
          await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: again.revision, values: { [String(id)]: `secret of ${f.name}` } });
          return;
        }
        expect(result.ok).toBe(false);
        if (result.ok) return;
        const message = JSON.stringify(result.error);
        // Never the value, whatever the refusal.
        expect(message).not.toContain(`secret of ${f.name}`);
        if (!rule.view) {
          // Not seen: the field does not exist for them (or they edit nothing here at all).
          expect(message).not.toContain(f.name);
          expect(['INVALID_INPUT', 'FORBIDDEN']).toContain(result.error.code);
          if (result.error.code === 'INVALID_INPUT') expect(message).toContain(`There is no field with id ${id}`);
        } else if (result.error.code === 'INVALID_INPUT') {
          expect(message).toContain(`You can see ${f.name} but not edit it`);
        } else {
          expect(result.error.code).toBe('FORBIDDEN');
        }
        // A refusal writes nothing.
        expect(await dumpStorage(t.host)).toEqual(before);
      });
    }
  }
});

describe('field values security around the edges', () => {
  it('a formula over a field someone cannot see is hidden from them too', async () => {
    const salary = await t.invokeOk('admin', 'createField', { name: 'Salary', type: 'number', access: { view: audience({ groups: [group('finance')] }), edit: audience({ groups: [group('finance')] }) } });
    const doubled = await t.invokeOk('admin', 'createField', { name: 'Salary doubled', type: 'formula', expression: '{Salary} * 2' });
    const view = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    await t.invokeOk('admin', 'saveProjectFields', { projectKey: 'DEMO', baseRevision: view.revision, values: { [String(salary.id)]: '1000' } });
    const asAdmin = await t.invokeOk('admin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(asAdmin.values[String(doubled.id)]).toBe('2000');
    const asPaul = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    expect(asPaul.fields.map((f) => f.id)).not.toContain(doubled.id);
    expect(JSON.stringify(asPaul)).not.toContain('2000');
  });

  it('fields without rules keep the old rule: the project admin edits, viewers only read', async () => {
    const asPaul = await t.invokeOk('projectAdmin', 'getProjectFields', { projectKey: 'DEMO' });
    const budget = asPaul.fields.find((f) => f.name === 'Budget');
    expect(budget && asPaul.editableFieldIds?.includes(budget.id)).toBe(true);
    const asVera = await t.invokeOk('viewer', 'getProjectFields', { projectKey: 'DEMO' });
    expect(asVera.fields.some((f) => f.name === 'Budget')).toBe(true);
    expect(asVera.editableFieldIds).toEqual(FIELDS.filter((f) => expected('viewer', f.access).edit).map((f) => ids[f.name]));
  });

  it('the admin sets rules with the field and takes them back: a field back to the default stores no rules', async () => {
    const id = ids['Sprint goal'] ?? 0;
    const defaults: FieldAccess = { view: everyone, edit: audience({ projectAdmins: true }) };
    await t.invokeOk('admin', 'updateField', { id, access: defaults });
    const listed = await t.invokeOk('admin', 'listFieldDefinitions');
    expect(listed.fields.find((f) => f.id === id)).not.toHaveProperty('access');
    await t.invokeOk('admin', 'updateField', { id, access: FIELDS[1]?.access });
    const relisted = await t.invokeOk('admin', 'listFieldDefinitions');
    expect(relisted.fields.find((f) => f.id === id)).toMatchObject({ access: FIELDS[1]?.access });
  });

  it('a rule that is not one is refused with the path named, and nothing changes', async () => {
    const before = await dumpStorage(t.host);
    const result = (await t.invoke('admin', 'createField', { name: 'Broken', type: 'text', access: { view: { ...everyone, roles: [{ id: 'x' as unknown as number, name: 'R' }] }, edit: NOBODY } })) as ResolverResult<unknown>;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/access\.view\.roles\.0\.id/);
    expect(await dumpStorage(t.host)).toEqual(before);
  });
});
