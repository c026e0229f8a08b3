import { diffFieldValues } from './change-diff';
import type { FieldDefinition } from './field-definition';
import type { StoredValue } from './field-values';

const opt = (id: number, name: string) => ({ id, name, colour: 'blue', enabled: true });

const SUMMARY: FieldDefinition = { id: 100, name: 'Summary', type: 'textarea' };
const TAGS: FieldDefinition = { id: 200, name: 'Tags', type: 'multilist', options: [opt(11, 'Strategic'), opt(12, 'Customer')] };
const STAKEHOLDERS: FieldDefinition = { id: 300, name: 'Stakeholders', type: 'multiuser' };
const BUDGET: FieldDefinition = { id: 12345, name: 'Budget', type: 'number', decimals: 3 };
const STATUS: FieldDefinition = { id: 54321, name: 'Status', type: 'status', options: [opt(1, 'On track'), opt(4, 'Done')] };
const DEFINITIONS = [STATUS, BUDGET, SUMMARY, TAGS, STAKEHOLDERS];

type Values = Record<string, StoredValue>;

describe('diffFieldValues', () => {
  it('finds nothing when no value changed', () => {
    const values: Values = { 100: 'Notes', 200: [11], 300: ['a'], 12345: 23, 54321: 4 };
    expect(diffFieldValues(DEFINITIONS, values, { ...values })).toEqual([]);
  });

  it.each<[string, Values, Values]>([
    ['missing and null text', {}, { 100: null }],
    ['missing and an empty multilist', {}, { 200: [] }],
    ['null and an empty multiuser', { 300: null }, { 300: [] }],
    ['the same options in another order', { 200: [12, 11] }, { 200: [11, 12] }],
    ['the same users in another order', { 300: ['a', 'b'] }, { 300: ['b', 'a'] }],
    ['numbers that render the same with the field\'s decimals', { 12345: 23 }, { 12345: 23.0004 }],
    ['a deleted option and empty', { 54321: 999 }, {}],
  ])('sees no change between %s', (_case, before, after) => {
    expect(diffFieldValues(DEFINITIONS, before, after)).toEqual([]);
  });

  it.each<[string, Values, Values, { current: unknown; previous: unknown }]>([
    ['a number', { 12345: 25 }, { 12345: 23 }, { current: '23.000', previous: '25.000' }],
    ['a status set for the first time', {}, { 54321: 4 }, { current: 'Done', previous: null }],
    ['a cleared textarea', { 100: 'Notes' }, { 100: null }, { current: null, previous: 'Notes' }],
    ['an option added to a multilist', { 200: [11] }, { 200: [11, 12] }, { current: ['Strategic', 'Customer'], previous: ['Strategic'] }],
    ['every user removed from a multiuser', { 300: ['a'] }, {}, { current: [], previous: ['a'] }],
  ])('reports %s in payload format', (_case, before, after, value) => {
    const [change, ...others] = diffFieldValues(DEFINITIONS, before, after);
    expect(others).toEqual([]);
    expect(change?.value).toEqual(value);
  });

  it('names each change by the id, name and type of its definition', () => {
    expect(diffFieldValues(DEFINITIONS, { 54321: 1 }, { 54321: 4 })).toEqual([
      { id: 54321, name: 'Status', type: 'status', value: { current: 'Done', previous: 'On track' } },
    ]);
  });

  it('lists several changes once each, by field id ascending', () => {
    const before: Values = { 54321: 1, 12345: 25, 100: 'a' };
    const after: Values = { 54321: 4, 12345: 23, 100: 'b', 300: ['x'] };
    expect(diffFieldValues(DEFINITIONS, before, after).map((c) => c.id)).toEqual([100, 300, 12345, 54321]);
  });

  it('ignores values of fields that have no definition any more', () => {
    expect(diffFieldValues(DEFINITIONS, { 777: 'old' }, { 777: 'new' })).toEqual([]);
  });

  it('leaves the definitions in the order it was given them', () => {
    const definitions = [...DEFINITIONS];
    diffFieldValues(definitions, {}, { 100: 'x' });
    expect(definitions).toEqual(DEFINITIONS);
  });
});

describe('diffFieldValues and computed fields', () => {
  it('never reports a formula or an automatic field, even when values for them are handed in', () => {
    const computed: FieldDefinition[] = [
      { id: 500, name: 'Margin', type: 'formula', expression: '{Budget} * 2', decimals: 2 },
      { id: 501, name: 'Updated', type: 'updated' },
      { id: 502, name: 'Created date', type: 'created' },
      { id: 503, name: 'Creator', type: 'creator' },
    ];
    const changes = diffFieldValues([...DEFINITIONS, ...computed], { 12345: 1, 500: '2.00', 501: '2026-01-01' }, { 12345: 2, 500: '4.00', 501: '2026-01-02', 502: '2026-01-02', 503: 'acc' });
    expect(changes.map((c) => c.name)).toEqual(['Budget']);
    expect(diffFieldValues(computed, { 500: '2.00', 501: '2026-01-01' }, { 500: '4.00', 501: '2026-01-02' })).toEqual([]);
  });
});
