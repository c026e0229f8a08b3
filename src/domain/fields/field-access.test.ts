import { DEFAULT_FIELD_ACCESS, NOBODY, describeAudience, type FieldAccess, type FieldAudience } from '../../shared/field-access';
import { fieldPermissions, membershipNeeded, type AccessSubject } from './field-access';
import { fieldDefinitionSchema, type FieldDefinition } from './field-definition';

const person = (overrides: Partial<AccessSubject> = {}): AccessSubject => ({
  accountId: 'acc-tom',
  jiraAdmin: false,
  canBrowse: true,
  projectAdmin: false,
  roleIds: new Set(),
  groupIds: new Set(),
  ...overrides,
});

const field = (id: number, overrides: Partial<FieldDefinition> = {}): FieldDefinition => fieldDefinitionSchema.parse({ id, name: `Field ${id}`, type: 'number', ...overrides });

const audience = (overrides: Partial<FieldAudience>): FieldAudience => ({ ...NOBODY, ...overrides });
const DEVELOPERS = { id: 10_002, name: 'Developers' };
const FINANCE = { id: 'grp-finance', name: 'finance' };

describe('fieldPermissions', () => {
  it('keeps today’s rule for a field without rules: browsers see it, project admins and Jira admins edit it', () => {
    const f = field(1);
    expect(fieldPermissions([f], person()).get(1)).toEqual({ view: true, edit: false });
    expect(fieldPermissions([f], person({ projectAdmin: true })).get(1)).toEqual({ view: true, edit: true });
    expect(fieldPermissions([f], person({ jiraAdmin: true })).get(1)).toEqual({ view: true, edit: true });
    expect(fieldPermissions([f], person({ canBrowse: false, projectAdmin: true })).get(1)).toEqual({ view: false, edit: false });
  });

  // The matrix: every kind of audience, each person in it or not, for view and for edit.
  const members: { what: string; audience: FieldAudience; inside: Partial<AccessSubject>; outside: Partial<AccessSubject> }[] = [
    { what: 'everyone', audience: audience({ everyone: true }), inside: {}, outside: { canBrowse: false } },
    { what: 'project admins', audience: audience({ projectAdmins: true }), inside: { projectAdmin: true }, outside: {} },
    { what: 'a role', audience: audience({ roles: [DEVELOPERS] }), inside: { roleIds: new Set([DEVELOPERS.id]) }, outside: { roleIds: new Set([1]) } },
    { what: 'a group', audience: audience({ groups: [FINANCE] }), inside: { groupIds: new Set([FINANCE.id]) }, outside: { groupIds: new Set(['grp-other']) } },
    { what: 'a person', audience: audience({ users: ['acc-tom'] }), inside: {}, outside: { accountId: 'acc-vera' } },
  ];
  for (const m of members) {
    it(`view limited to ${m.what}: in it sees (and edits only if an editor), outside sees nothing`, () => {
      const access: FieldAccess = { view: m.audience, edit: audience({ everyone: true }) };
      const f = field(1, { access });
      expect(fieldPermissions([f], person(m.inside)).get(1)).toEqual({ view: true, edit: true });
      expect(fieldPermissions([f], person(m.outside)).get(1)).toEqual({ view: false, edit: false });
      // Jira admins always, even outside every audience.
      expect(fieldPermissions([f], person({ ...m.outside, canBrowse: true, jiraAdmin: true })).get(1)).toEqual({ view: true, edit: true });
    });
    it(`edit limited to ${m.what}: in it edits, outside only reads`, () => {
      const f = field(1, { access: { view: audience({ everyone: true }), edit: m.audience } });
      const inside = fieldPermissions([f], person(m.inside)).get(1);
      expect(inside).toEqual({ view: true, edit: true });
      const outside = fieldPermissions([f], person(m.outside)).get(1);
      expect(outside?.edit).toBe(false);
    });
  }

  it('an editor who is not a viewer edits nothing', () => {
    const f = field(1, { access: { view: audience({ roles: [DEVELOPERS] }), edit: audience({ everyone: true }) } });
    expect(fieldPermissions([f], person()).get(1)).toEqual({ view: false, edit: false });
  });

  it('formulas and automatic fields are never edited, even by Jira admins', () => {
    const fields = [field(1, { name: 'Budget' }), field(2, { name: 'Double', type: 'formula', expression: '{Budget} * 2' }), field(3, { name: 'Updated', type: 'updated' })];
    const perms = fieldPermissions(fields, person({ jiraAdmin: true }));
    expect(perms.get(2)).toEqual({ view: true, edit: false });
    expect(perms.get(3)).toEqual({ view: true, edit: false });
  });

  it('a formula is hidden from whoever cannot see a field it is worked out from, directly or through another formula', () => {
    const secret = field(1, { name: 'Salary', access: { view: audience({ groups: [FINANCE] }), edit: DEFAULT_FIELD_ACCESS.edit } });
    const twice = field(2, { name: 'Twice', type: 'formula', expression: '{Salary} * 2' });
    const again = field(3, { name: 'Again', type: 'formula', expression: '{Twice} + 1' });
    const open = field(4, { name: 'Open', type: 'formula', expression: '1 + 1' });
    const outsider = fieldPermissions([secret, twice, again, open], person());
    expect([1, 2, 3, 4].map((id) => outsider.get(id)?.view)).toEqual([false, false, false, true]);
    const financeMember = fieldPermissions([secret, twice, again, open], person({ groupIds: new Set([FINANCE.id]) }));
    expect([1, 2, 3, 4].map((id) => financeMember.get(id)?.view)).toEqual([true, true, true, true]);
  });
});

describe('membershipNeeded', () => {
  it('asks Jira for roles or groups only when some field names them', () => {
    expect(membershipNeeded([field(1)])).toEqual({ roles: false, groups: false });
    expect(membershipNeeded([field(1, { access: { view: audience({ roles: [DEVELOPERS] }), edit: NOBODY } })])).toEqual({ roles: true, groups: false });
    expect(membershipNeeded([field(1, { access: { view: audience({ everyone: true }), edit: audience({ groups: [FINANCE] }) } })])).toEqual({ roles: false, groups: true });
  });
});

describe('describeAudience', () => {
  it('says who in words', () => {
    expect(describeAudience(DEFAULT_FIELD_ACCESS.view)).toBe('Everyone who can browse the project');
    expect(describeAudience(audience({ projectAdmins: true, roles: [DEVELOPERS], groups: [FINANCE], users: ['a', 'b'] }))).toBe('Project administrators, role Developers, group finance, 2 people');
    expect(describeAudience(NOBODY)).toBe('Jira admins only');
  });
});

describe('field definitions with access rules', () => {
  it('take valid rules and refuse bad ones with the path named', () => {
    expect(field(1, { access: DEFAULT_FIELD_ACCESS }).access).toEqual(DEFAULT_FIELD_ACCESS);
    const bad = fieldDefinitionSchema.safeParse({ id: 1, name: 'X', type: 'number', access: { view: { ...NOBODY, roles: [{ id: -1, name: 'R' }] }, edit: NOBODY } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['access', 'view', 'roles', 0, 'id']);
  });
});
