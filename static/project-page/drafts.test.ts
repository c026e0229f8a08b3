import { describe, expect, it } from '@jest/globals';
import type { FieldDefinitionDto, FieldValueDto } from '../../src/shared/resolver-contract';
import { checkedErrors, initialDraft, isChanged, parseDraft, planSave, rebaseDrafts, type Draft } from './drafts';

const budget: FieldDefinitionDto = { id: 1, name: 'Budget', type: 'number', decimals: 3 };
const summary: FieldDefinitionDto = { id: 2, name: 'Summary', type: 'textarea' };
const tags: FieldDefinitionDto = {
  id: 3,
  name: 'Tags',
  type: 'multilist',
  options: [
    { id: 31, name: 'Strategic', colour: 'purple', enabled: true },
    { id: 32, name: 'Customer', colour: 'teal', enabled: true },
    { id: 33, name: 'Legacy', colour: 'grey', enabled: false },
  ],
};
const effort: FieldDefinitionDto = { id: 4, name: 'Effort', type: 'duration' };
const owner: FieldDefinitionDto = { id: 5, name: 'Owner', type: 'user' };
const fields = [budget, summary, tags, effort, owner];
const text = (t: string): Draft => ({ kind: 'text', text: t });

describe('drafts', () => {
  it('start from the stored values, shown as people type them', () => {
    expect(initialDraft(budget, 23)).toEqual(text('23.000'));
    expect(initialDraft(effort, 9_000_000)).toEqual(text('2h 30m'));
    expect(initialDraft(tags, [33, 31])).toEqual({ kind: 'options', ids: [31, 33] });
    expect(initialDraft(owner, undefined)).toEqual({ kind: 'user', accountId: null });
    expect(initialDraft(summary, null)).toEqual(text(''));
  });

  it.each<[FieldDefinitionDto, FieldValueDto | undefined, Draft, boolean]>([
    [budget, 23, text('23'), false],
    [budget, 23, text('23.5'), true],
    [budget, undefined, text(''), false],
    [budget, 23, text('abc'), true],
    [tags, [31, 32], { kind: 'options', ids: [32, 31] }, false],
    [tags, [31], { kind: 'options', ids: [31, 32] }, true],
    [effort, 5_400_000, text('90'), false],
    [summary, 'Hello', text('Hello'), false],
  ])('%#: tell a real change from the same value typed differently', (field, stored, draft, changed) => {
    expect(isChanged(field, stored, draft)).toBe(changed);
  });

  it('leave an untouched field alone even when its stored value no longer fits the field', () => {
    const twoDecimals = { ...budget, decimals: 2 };
    expect(initialDraft(twoDecimals, 23.4567)).toEqual(text('23.46'));
    expect(isChanged(twoDecimals, 23.4567, text('23.46'))).toBe(false);
    expect(planSave([twoDecimals], { '1': 23.4567 }, { '1': text('23.46') }).values).toEqual({});
    expect(isChanged(twoDecimals, 23.4567, text('23.45'))).toBe(true);
  });

  it('keep multilist choices in the order of the options', () => {
    expect(parseDraft(tags, { kind: 'options', ids: [33, 32, 31] })).toEqual({ ok: true, value: [31, 32, 33] });
  });
});

describe('planSave', () => {
  const stored = { '1': 25, '2': 'Old summary', '3': [31] };

  it('sends only the changed fields, as values', () => {
    const drafts = { '1': text('23.000'), '2': text('Old summary'), '3': { kind: 'options', ids: [31, 32] } as Draft, '4': text('2h') };
    expect(planSave(fields, stored, drafts)).toEqual({ values: { '1': 23, '3': [31, 32], '4': 7_200_000 }, errors: {} });
  });

  it('sends a cleared field as empty', () => {
    expect(planSave(fields, stored, { '1': text(' ') }).values).toEqual({ '1': null });
  });

  it('names the changed fields that cannot be read', () => {
    expect(planSave(fields, stored, { '1': text('23.0001'), '4': text('soon') }).errors).toEqual({
      '1': 'Use at most 3 decimal places.',
      '4': 'Enter a duration such as 2h 30m, 1d 4h or 90 (minutes).',
    });
  });
});

describe('rebaseDrafts', () => {
  it('keeps edits of fields nobody else changed and drops the others', () => {
    const before = { '1': 25, '2': 'Old summary' };
    const after = { '1': 30, '2': 'Old summary', '5': 'acc-1' };
    const drafts = { '1': text('26'), '2': text('My summary') };
    const rebased = rebaseDrafts(fields, before, after, drafts);
    expect(rebased.kept).toEqual(['Summary']);
    expect(rebased.dropped).toEqual(['Budget']);
    expect(rebased.drafts['1']).toEqual(text('30.000'));
    expect(rebased.drafts['2']).toEqual(text('My summary'));
    expect(rebased.drafts['5']).toEqual({ kind: 'user', accountId: 'acc-1' });
  });
});

describe('checkedErrors', () => {
  it('sets the message of a field whose draft cannot be read', () => {
    expect(checkedErrors({}, budget, text('abc'))).toEqual({ '1': expect.stringContaining('Enter a number') });
  });

  it('removes the message once the draft reads well, and leaves other fields alone', () => {
    expect(checkedErrors({ '1': 'old message', '9': 'other' }, budget, text('23'))).toEqual({ '9': 'other' });
  });

  it('removes the message of a field that is no change at all', () => {
    expect(checkedErrors({ '1': 'old message' }, budget, text('abc'), true)).toEqual({});
  });

  it('answers the same object when there is nothing to change (no re-render)', () => {
    const errors = { '9': 'other' };
    expect(checkedErrors(errors, budget, text('23'))).toBe(errors);
  });
});

describe('drafts of related projects and computed fields', () => {
  const dependsOn: FieldDefinitionDto = { id: 6, name: 'Depends on', type: 'project' };
  const risks: FieldDefinitionDto = { id: 7, name: 'Risks', type: 'multiproject' };
  const margin: FieldDefinitionDto = { id: 8, name: 'Margin', type: 'formula', expression: '{Budget} * 2' };
  const updated: FieldDefinitionDto = { id: 9, name: 'Updated', type: 'updated' };

  it('related projects start from their keys and are saved as keys (one, or several without repeats)', () => {
    expect(initialDraft(dependsOn, 'OPS')).toEqual({ kind: 'projects', keys: ['OPS'] });
    expect(initialDraft(risks, undefined)).toEqual({ kind: 'projects', keys: [] });
    const plan = planSave([dependsOn, risks], { 6: 'OPS' }, { 6: { kind: 'projects', keys: [] }, 7: { kind: 'projects', keys: ['HR', 'DEMO', 'HR'] } });
    expect(plan).toEqual({ values: { 6: null, 7: ['HR', 'DEMO'] }, errors: {} });
  });

  it('formulas and automatic fields are never part of a save, whatever their draft says', () => {
    expect(isChanged(margin, '4.00', text('5'))).toBe(false);
    expect(isChanged(updated, '2026-01-01', text(''))).toBe(false);
    expect(planSave([margin, updated], { 8: '4.00' }, { 8: text('5'), 9: text('2026-01-02') })).toEqual({ values: {}, errors: {} });
  });
});
