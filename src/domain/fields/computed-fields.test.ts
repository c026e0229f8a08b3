import { computedValues, formulaKinds, resolveFormulas } from './computed-fields';
import type { FieldDefinition } from './field-definition';

const field = (id: number, name: string, type: FieldDefinition['type'], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({ id, name, type, ...extra });

const budget = field(1, 'Budget', 'number', { decimals: 3 });
const cost = field(2, 'Cost', 'number', { decimals: 2 });
const start = field(3, 'Start date', 'date');
const end = field(4, 'End date', 'date');
const owner = field(5, 'Owner', 'user');
const margin = field(10, 'Margin', 'formula', { expression: '{Budget} - {Cost}', decimals: 2 });
const days = field(11, 'Days', 'formula', { expression: '{End date} - {Start date}' });
const perDay = field(12, 'Per day', 'formula', { expression: '{Margin} / {Days}', decimals: 4 });

describe('resolveFormulas: the catalog check of every formula, naming the formula', () => {
  it('accepts formulas over numbers, dates and other formulas, in any order', () => {
    const resolved = resolveFormulas([perDay, margin, days, budget, cost, start, end]);
    expect(resolved.ok).toBe(true);
    expect(formulaKinds([perDay, margin, days, budget, cost, start, end])).toEqual({ 10: 'number', 11: 'number', 12: 'number' });
  });

  it.each<[string, FieldDefinition[], RegExp]>([
    ['an unknown field', [budget, field(10, 'Margin', 'formula', { expression: '{Budget} - {Costs}' })], /^Formula Margin: there is no field named "Costs"$/],
    ['a field of a type formulas cannot use', [owner, field(10, 'Score', 'formula', { expression: '{Owner} + 1' })], /^Formula Score: \{Owner\} is a user field/],
    ['a type mismatch', [budget, start, field(10, 'Odd', 'formula', { expression: '{Budget} + {Start date}' })], /^Formula Odd: cannot add a number and a date/],
    ['a formula using itself', [budget, field(10, 'Loop', 'formula', { expression: '{Loop} + {Budget}' })], /^Formula Loop: it depends on itself \(Loop → Loop\)/],
    [
      'a cycle through another formula',
      [field(10, 'A', 'formula', { expression: '{B} + 1' }), field(11, 'B', 'formula', { expression: '{A} * 2' })],
      /^Formula A: it depends on itself \(A → B → A\)/,
    ],
    ['a syntax error', [field(10, 'Broken', 'formula', { expression: '1 +' })], /^Formula Broken: expected a number/],
  ])('refuses %s', (_label, fields, message) => {
    const resolved = resolveFormulas(fields);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.problem.message).toMatch(message);
  });
});

describe('computedValues: formulas and automatic fields worked out on read', () => {
  const fields = [budget, cost, start, end, owner, margin, days, perDay, field(20, 'Updated', 'updated'), field(21, 'Created date', 'created'), field(22, 'Creator', 'creator')];

  it('in payload format, with each formula its decimals', () => {
    const values = computedValues(fields, { 1: 25, 2: 5.5, 3: '2026-01-05', 4: '2026-01-15' }, { updatedAt: Date.UTC(2026, 0, 20, 23, 59), createdAt: Date.UTC(2025, 11, 1), createdBy: 'acc-1' });
    expect(values).toEqual({ 10: '19.50', 11: '10', 12: '1.9500', 20: '2026-01-20', 21: '2025-12-01', 22: 'acc-1' });
  });

  it('Updated and Created date are dates a formula can use', () => {
    const age = field(30, 'Days since update', 'formula', { expression: '{Updated} - {Created date}' });
    const withAge = [...fields, age];
    expect(resolveFormulas(withAge).ok).toBe(true);
    expect(computedValues(withAge, {}, { updatedAt: Date.UTC(2026, 0, 20, 12), createdAt: Date.UTC(2025, 11, 31, 23) })[30]).toBe('20');
    expect(computedValues(withAge, {}, { createdAt: Date.UTC(2025, 11, 31) })[30]).toBeUndefined();
  });

  it('leaves out what cannot be worked out: empty inputs, a project never saved, an unknown install', () => {
    expect(computedValues(fields, { 1: 25 }, {})).toEqual({});
  });

  it('leaves out every formula of a catalog that does not check (stored data), without throwing', () => {
    const broken = [budget, field(10, 'A', 'formula', { expression: '{B}' }), field(11, 'B', 'formula', { expression: '{A}' })];
    expect(computedValues(broken, { 1: 1 }, {})).toEqual({});
  });
});
