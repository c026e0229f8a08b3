import { describe, expect, it } from '@jest/globals';
import type { FieldDefinitionDto } from '../../../src/shared/resolver-contract';
import { DEFAULT_FIELD_ACCESS, NOBODY, type FieldAccess } from '../../../src/shared/field-access';
import {
  addOption,
  editorsNotAmongViewers,
  emptyForm,
  formFromField,
  moveOption,
  removeOption,
  setAudienceEveryone,
  toCreateInput,
  toUpdateInput,
  updateAudience,
  updateOption,
  validateForm,
  withType,
  type FieldFormState,
} from './field-form';

const status: FieldDefinitionDto = {
  id: 10000,
  name: 'Status',
  type: 'status',
  options: [
    { id: 1, name: 'On track', colour: 'green', enabled: true },
    { id: 2, name: 'At risk', colour: 'yellow', enabled: false },
  ],
};

const form = (overrides: Partial<FieldFormState>): FieldFormState => ({ ...emptyForm(), ...overrides });

describe('validateForm', () => {
  it('accepts a complete number field', () => {
    expect(validateForm(form({ name: 'Budget', type: 'number', decimals: 3 }), [])).toEqual({});
  });

  it.each([
    [form({ name: ' ', type: 'text' }), { name: 'Give the field a name.' }],
    [form({ name: 'x'.repeat(81), type: 'text' }), { name: 'Use at most 80 characters (81 now).' }],
    [form({ name: 'budget', type: 'text' }), { name: 'A field named "budget" already exists. Field names must be unique.' }],
    [form({ name: 'Notes' }), { type: 'Choose a type.' }],
    [form({ name: 'Notes', type: 'text', description: 'd'.repeat(501) }), { description: 'Use at most 500 characters (501 now).' }],
    [form({ name: 'Notes', type: 'number', decimals: 7 }), { decimals: 'Choose 0 to 6 decimals.' }],
    [form({ name: 'Kind', type: 'list' }), { options: 'Add at least one option.' }],
    [form({ name: 'Cost\u0000centre', type: 'text' }), { name: 'Name must not contain control characters (NUL, escape and the like).' }],
    [form({ name: 'Half \ud83d', type: 'text' }), { name: 'Name must not contain half of a surrogate pair (broken Unicode).' }],
    [form({ name: '__proto__', type: 'text' }), { name: '"__proto__" cannot be a field name (reserved: __proto__, constructor, prototype).' }],
    [form({ name: 'Notes', type: 'text', description: 'bell\u0007' }), { description: 'The description must not contain control characters other than line breaks and tabs.' }],
  ])('explains what is wrong (%#)', (state, errors) => {
    expect(validateForm(state, ['Budget'])).toEqual(errors);
  });

  it('checks option names: required and unique whatever their case', () => {
    let state = withType(form({ name: 'Kind' }), 'list');
    state = addOption(addOption(addOption(state)));
    const [a, b, c] = state.options.map((o) => o.key) as [string, string, string];
    state = updateOption(updateOption(state, a, { name: 'Red' }), b, { name: 'red' });
    expect(validateForm(state, [])).toEqual({ optionNames: { [b]: '"red" is already an option.', [c]: 'Give the option a name.' } });
  });

  it('checks option names against the same character rule as the backend', () => {
    let state = withType(form({ name: 'Kind' }), 'list');
    state = addOption(state);
    const [a] = state.options.map((o) => o.key) as [string];
    state = updateOption(state, a, { name: 'Red\u001b' });
    expect(validateForm(state, [])).toEqual({ optionNames: { [a]: 'Option name must not contain control characters (NUL, escape and the like).' } });
  });

  it('wants one enabled option at least', () => {
    const state = formFromField({ ...status, options: status.options?.map((o) => ({ ...o, enabled: false })) });
    expect(validateForm(state, [])).toEqual({ options: 'Keep at least one option enabled, or people cannot choose anything.' });
  });
});

describe('options', () => {
  it('starts a status field with the usual statuses', () => {
    expect(withType(emptyForm(), 'status').options.map((o) => [o.name, o.colour])).toEqual([
      ['On track', 'green'],
      ['At risk', 'yellow'],
      ['Off track', 'red'],
      ['Done', 'blue'],
    ]);
  });

  it('removes only options that are not saved yet', () => {
    const state = addOption(formFromField(status));
    const [saved, , fresh] = state.options.map((o) => o.key) as [string, string, string];
    expect(removeOption(state, saved).options).toHaveLength(3);
    expect(removeOption(state, fresh).options).toHaveLength(2);
  });

  it('moves an option up and down, and not past the ends', () => {
    const state = formFromField(status);
    const [first, second] = state.options.map((o) => o.key) as [string, string];
    expect(moveOption(state, second, -1).options.map((o) => o.name)).toEqual(['At risk', 'On track']);
    expect(moveOption(state, first, -1)).toBe(state);
  });
});

describe('resolver inputs', () => {
  it('creates with only what the type has', () => {
    expect(toCreateInput(form({ name: ' Budget ', type: 'number', decimals: 2, description: '  ' }))).toEqual({ name: 'Budget', type: 'number', decimals: 2 });
    const list = addOption(withType(form({ name: 'Kind' }), 'list'));
    expect(toCreateInput(list)).toEqual({ name: 'Kind', type: 'list', options: [{ name: '', colour: 'blue', enabled: true }] });
  });

  it('updates keeping option ids and sending new options without one', () => {
    const state = addOption(formFromField(status));
    const fresh = state.options[2]?.key ?? '';
    expect(toUpdateInput(status, updateOption(state, fresh, { name: ' Done ' }))).toEqual({
      id: 10000,
      name: 'Status',
      description: '',
      options: [
        { id: 1, name: 'On track', colour: 'green', enabled: true },
        { id: 2, name: 'At risk', colour: 'yellow', enabled: false },
        { name: 'Done', colour: 'green', enabled: true },
      ],
      access: DEFAULT_FIELD_ACCESS,
    });
  });
});

describe('formula, prefix and suffix, option value ids', () => {
  it('a formula with a readable expression, its decimals and affixes becomes the create input', () => {
    const state = form({ name: 'Margin', type: 'formula', expression: ' {Budget} - {Cost} ', decimals: 2, prefix: ' € ' });
    expect(validateForm(state, [])).toEqual({});
    expect(toCreateInput(state)).toEqual({ name: 'Margin', type: 'formula', expression: '{Budget} - {Cost}', decimals: 2, prefix: '€' });
  });

  it('says what is wrong with a formula as it is typed, before the backend checks the fields it names', () => {
    expect(validateForm(form({ name: 'Margin', type: 'formula', expression: '{Budget} -' }), [])).toEqual({ expression: 'Expected a number, a {field}, min, max or "(" at character 11, found the end.' });
    expect(validateForm(form({ name: 'Margin', type: 'formula', expression: '' }), [])).toEqual({ expression: 'The formula is empty.' });
  });

  it('a prefix or suffix longer than 10 characters is refused', () => {
    expect(validateForm(form({ name: 'Budget', type: 'number', suffix: 'x'.repeat(11) }), [])).toEqual({ suffix: 'Use at most 10 characters (11 now).' });
  });

  it('option value ids: sent when set, checked for their form, uniqueness and clashes with names', () => {
    const base = withType(form({ name: 'Region', type: 'list' }), 'list');
    const one = addOption(addOption(base));
    const [a, b] = one.options;
    if (!a || !b) throw new Error('two options expected');
    const named = updateOption(updateOption(one, a.key, { name: 'Europe', valueId: 'EU' }), b.key, { name: 'Asia' });
    expect(validateForm(named, [])).toEqual({});
    expect(toCreateInput(named).options).toEqual([expect.objectContaining({ name: 'Europe', valueId: 'EU' }), expect.not.objectContaining({ valueId: expect.anything() })]);
    expect(validateForm(updateOption(named, b.key, { valueId: 'eu' }), []).optionValueIds).toEqual({ [b.key]: '"eu" is already a value id.' });
    expect(validateForm(updateOption(named, b.key, { valueId: 'Europe' }), []).optionValueIds).toEqual({ [b.key]: '"Europe" is the name of another option.' });
    expect(validateForm(updateOption(named, b.key, { valueId: 'a b' }), []).optionValueIds?.[b.key]).toMatch(/letters, digits/);
  });

  it('editing keeps value ids and affixes, and an emptied prefix clears it', () => {
    const price: FieldDefinitionDto = { id: 5, name: 'Price', type: 'number', decimals: 2, prefix: '$', suffix: 'USD' };
    const state = formFromField(price);
    expect([state.prefix, state.suffix]).toEqual(['$', 'USD']);
    expect(toUpdateInput(price, { ...state, prefix: '' })).toMatchObject({ prefix: '', suffix: 'USD', decimals: 2 });
    const region: FieldDefinitionDto = { id: 6, name: 'Region', type: 'list', options: [{ id: 1, name: 'Europe', colour: 'blue', enabled: true, valueId: 'EU' }] };
    expect(toUpdateInput(region, formFromField(region)).options).toEqual([{ id: 1, name: 'Europe', colour: 'blue', enabled: true, valueId: 'EU' }]);
  });
});

describe('who can see and edit values', () => {
  const developers = { id: 10001, name: 'Developers' };
  const finance = { id: 'group-finance', name: 'finance' };

  it('untouched, a new field has the default rules and sends none', () => {
    const state = form({ name: 'Budget', type: 'number' });
    expect(state.access).toEqual(DEFAULT_FIELD_ACCESS);
    expect(toCreateInput(state)).not.toHaveProperty('access');
  });

  it('choosing a role as the viewers sends it, without the picks kept for everyone', () => {
    const chosen = setAudienceEveryone(form({ name: 'Budget', type: 'number' }), 'view', false);
    // A first choice starts from the project's administrators.
    expect(chosen.access.view).toEqual({ ...NOBODY, projectAdmins: true });
    const state = updateAudience(chosen, 'view', { projectAdmins: false, roles: [developers] });
    expect(toCreateInput(state).access).toEqual({ view: { ...NOBODY, roles: [developers] }, edit: DEFAULT_FIELD_ACCESS.edit });
    // Back to everyone: the role is kept in the form (a second switch finds it) but not sent.
    const everyone = setAudienceEveryone(state, 'view', true);
    expect(everyone.access.view.roles).toEqual([developers]);
    expect(toCreateInput(everyone)).not.toHaveProperty('access');
    expect(setAudienceEveryone(everyone, 'view', false).access.view).toEqual({ ...NOBODY, roles: [developers] });
  });

  it('editing a field starts from its rules and always sends them, so the default clears them', () => {
    const access: FieldAccess = { view: { ...NOBODY, groups: [finance] }, edit: { ...NOBODY, groups: [finance], users: ['acc-1'] } };
    const salary: FieldDefinitionDto = { id: 7, name: 'Salary band', type: 'text', access };
    const state = formFromField(salary);
    expect(state.access).toEqual(access);
    expect(toUpdateInput(salary, state).access).toEqual(access);
    const opened = setAudienceEveryone(setAudienceEveryone(state, 'view', true), 'edit', false);
    expect(toUpdateInput(salary, updateAudience(opened, 'edit', { groups: [], users: [], projectAdmins: true })).access).toEqual(DEFAULT_FIELD_ACCESS);
  });

  it('formulas and automatic fields send the default edit rule whatever the form holds', () => {
    const state = updateAudience(setAudienceEveryone(form({ name: 'Margin', type: 'formula', expression: '{Budget}' }), 'edit', false), 'edit', { users: ['acc-1'] });
    expect(toCreateInput(state)).not.toHaveProperty('access');
    const viewed = updateAudience(setAudienceEveryone(state, 'view', false), 'view', { roles: [developers] });
    expect(toCreateInput(viewed).access?.edit).toEqual(DEFAULT_FIELD_ACCESS.edit);
  });

  it('says which editors are not among the viewers as written', () => {
    const viewDevelopers = { ...NOBODY, roles: [developers] };
    expect(editorsNotAmongViewers(DEFAULT_FIELD_ACCESS)).toEqual([]);
    expect(editorsNotAmongViewers({ view: viewDevelopers, edit: { ...NOBODY, projectAdmins: true } })).toEqual(['project administrators']);
    expect(editorsNotAmongViewers({ view: viewDevelopers, edit: { ...NOBODY, roles: [developers], groups: [finance], users: ['a', 'b'] } })).toEqual(['group finance', '2 people']);
    expect(editorsNotAmongViewers({ view: viewDevelopers, edit: { ...NOBODY, everyone: true } })).toEqual(['everyone who can browse the project']);
    expect(editorsNotAmongViewers({ view: { ...viewDevelopers, users: ['a'] }, edit: { ...NOBODY, users: ['a', 'c'] } })).toEqual(['1 person']);
  });

  it('refuses more roles, groups or people than a rule holds, naming the audience', () => {
    const roles = Array.from({ length: 21 }, (_, i) => ({ id: i + 1, name: `Role ${i + 1}` }));
    const tooMany = updateAudience(setAudienceEveryone(form({ name: 'Budget', type: 'number' }), 'view', false), 'view', { roles });
    expect(validateForm(tooMany, [])).toEqual({ view: 'Choose at most 20 roles (21 now).' });
    const users = Array.from({ length: 51 }, (_, i) => `acc-${i}`);
    const editors = updateAudience(setAudienceEveryone(form({ name: 'Budget', type: 'number' }), 'edit', false), 'edit', { users });
    expect(validateForm(editors, [])).toEqual({ edit: 'Choose at most 50 people (51 now).' });
    // Hidden for a formula: its edit rule is not checked.
    expect(validateForm({ ...editors, type: 'formula', expression: '{Budget}' }, [])).toEqual({});
  });
});
