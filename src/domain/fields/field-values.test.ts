import type { FieldDefinition, FieldType } from './field-definition';
import { describeInput, formatPayloadValue, parseFieldInput, type FieldValueErrorCode, type StoredValue } from './field-values';

const opt = (id: number, name: string, enabled = true) => ({ id, name, colour: 'blue', enabled });

const FIELDS = {
  codeName: { id: 10, name: 'Code name', type: 'text' },
  summary: { id: 11, name: 'Summary', type: 'textarea' },
  budget: { id: 12345, name: 'Budget', type: 'number', decimals: 3 },
  headcount: { id: 13, name: 'Headcount', type: 'number', decimals: 0 },
  score: { id: 14, name: 'Score', type: 'number' },
  startDate: { id: 15, name: 'Start date', type: 'date' },
  effort: { id: 16, name: 'Effort', type: 'duration' },
  status: { id: 54321, name: 'Status', type: 'status', options: [opt(1, 'On track'), opt(2, 'At risk'), opt(3, 'Off track', false), opt(4, 'Done')] },
  tags: { id: 17, name: 'Tags', type: 'multilist', options: [opt(11, 'Strategic'), opt(12, 'Customer'), opt(13, 'Internal', false), opt(14, 'Compliance')] },
  owner: { id: 18, name: 'Owner', type: 'user' },
  stakeholders: { id: 19, name: 'Stakeholders', type: 'multiuser' },
} satisfies Record<string, FieldDefinition>;

const withType = (type: FieldType, options = FIELDS.status.options): FieldDefinition => ({ id: 99, name: 'Field', type, options });

function storedOf(definition: FieldDefinition, input: unknown, previous?: StoredValue): StoredValue {
  const parsed = parseFieldInput(definition, input, previous);
  if (!parsed.ok) throw new Error(`expected ${JSON.stringify(input)} to be accepted, got: ${parsed.error.message}`);
  return parsed.value;
}

function refusalOf(definition: FieldDefinition, input: unknown, previous?: StoredValue): { code: FieldValueErrorCode; message: string } {
  const parsed = parseFieldInput(definition, input, previous);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got stored ${JSON.stringify(parsed.value)}`);
  return { code: parsed.error.code, message: parsed.error.message };
}

const ACCOUNT_ID = 'DUMMY-ACCOUNT-ID-4c44-b436-73155f48d985';
const CLOUD_ACCOUNT_ID = '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077';

describe('parseFieldInput: text', () => {
  it.each<[unknown, StoredValue]>([
    ['Apollo', 'Apollo'],
    ['  Apollo  ', 'Apollo'],
    ['x'.repeat(255), 'x'.repeat(255)],
    ['😀'.repeat(255), '😀'.repeat(255)],
    ['', null],
    ['   ', null],
    [null, null],
    [undefined, null],
  ])('stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.codeName, input)).toEqual(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    [42, 'WRONG_TYPE', 'Code name: expected text, got 42'],
    [true, 'WRONG_TYPE', 'Code name: expected text, got true'],
    [{ text: 'a' }, 'WRONG_TYPE', 'Code name: expected text, got an object'],
    [['a'], 'WRONG_TYPE', 'Code name: expected text, got a list'],
    ['x'.repeat(256), 'TOO_LONG', 'Code name: at most 255 characters, got 256'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.codeName, input)).toEqual({ code, message });
  });

  it('refuses several lines (NOT_SINGLE_LINE)', () => {
    expect(refusalOf(FIELDS.codeName, 'first\nsecond')).toEqual({
      code: 'NOT_SINGLE_LINE',
      message: 'Code name: expected one line of text; use a textarea field for several lines',
    });
  });
});

describe('parseFieldInput: textarea', () => {
  it.each<[string, unknown, StoredValue]>([
    ['several lines of markup as sent', '*Goal*: ship\n\n- item one\n- item two', '*Goal*: ship\n\n- item one\n- item two'],
    ['leading and trailing whitespace as sent (it can be markup)', '    indented code\n', '    indented code\n'],
    ['32,768 characters', 'y'.repeat(32_768), 'y'.repeat(32_768)],
    ['only whitespace as empty', ' \n ', null],
    ['null as empty', null, null],
  ])('stores %s', (_case, input, stored) => {
    expect(storedOf(FIELDS.summary, input)).toEqual(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    ['y'.repeat(32_769), 'TOO_LONG', 'Summary: at most 32768 characters, got 32769'],
    [5, 'WRONG_TYPE', 'Summary: expected text, got 5'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.summary, input)).toEqual({ code, message });
  });
});

describe('parseFieldInput: number', () => {
  it.each<[unknown, StoredValue]>([
    [23, 23],
    [-1.5, -1.5],
    [1.234, 1.234],
    ['23', 23],
    [' 23.5 ', 23.5],
    ['23.000', 23],
    ['1.2340', 1.234],
    ['.5', 0.5],
    ['+7', 7],
    [1e15, 1e15],
    [-1e15, -1e15],
    [123456789012.345, 123456789012.345],
    ['', null],
    [null, null],
  ])('on a 3-decimal field stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.budget, input)).toBe(stored);
  });

  it('stores minus zero as zero', () => {
    expect(Object.is(storedOf(FIELDS.budget, '-0'), 0)).toBe(true);
    expect(Object.is(storedOf(FIELDS.budget, -0), 0)).toBe(true);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    ['abc', 'WRONG_TYPE', 'Budget: expected a number, got "abc"'],
    ['1e3', 'WRONG_TYPE', 'Budget: expected a number, got "1e3"'],
    ['1,000', 'WRONG_TYPE', 'Budget: expected a number, got "1,000"'],
    ['12 EUR', 'WRONG_TYPE', 'Budget: expected a number, got "12 EUR"'],
    [Number.NaN, 'WRONG_TYPE', 'Budget: expected a number, got NaN'],
    [Number.POSITIVE_INFINITY, 'WRONG_TYPE', 'Budget: expected a number, got Infinity'],
    [true, 'WRONG_TYPE', 'Budget: expected a number, got true'],
    [[23], 'WRONG_TYPE', 'Budget: expected a number, got a list'],
    [1.2345, 'TOO_MANY_DECIMALS', 'Budget: expected at most 3 decimal places, got 1.2345'],
    ['1.2345', 'TOO_MANY_DECIMALS', 'Budget: expected at most 3 decimal places, got "1.2345"'],
    [0.1 + 0.2, 'TOO_MANY_DECIMALS', 'Budget: expected at most 3 decimal places, got 0.30000000000000004'],
    ['1000000000000001', 'OUT_OF_RANGE', 'Budget: expected a number between -1e15 and 1e15, got "1000000000000001"'],
    [-2e15, 'OUT_OF_RANGE', 'Budget: expected a number between -1e15 and 1e15, got -2000000000000000'],
    ['1234567890123.456', 'TOO_PRECISE', 'Budget: at most 15 significant digits can be stored exactly, got "1234567890123.456"'],
  ])('on a 3-decimal field refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.budget, input)).toEqual({ code, message });
  });

  it.each<[FieldDefinition, unknown, string]>([
    [FIELDS.headcount, 1.5, 'Headcount: expected a whole number, got 1.5'],
    [FIELDS.score, '0.5', 'Score: expected a whole number, got "0.5"'],
    [{ ...FIELDS.budget, decimals: 1 }, 0.25, 'Budget: expected at most 1 decimal place, got 0.25'],
  ])('refuses more decimals than the field has: %#', (definition, input, message) => {
    expect(refusalOf(definition, input)).toEqual({ code: 'TOO_MANY_DECIMALS', message });
  });

  it('accepts trailing zeros beyond a whole-number field\'s decimals', () => {
    expect(storedOf(FIELDS.headcount, '2.00')).toBe(2);
  });
});

describe('parseFieldInput: date', () => {
  it.each<[unknown, StoredValue]>([
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    [' 2025-12-31 ', '2025-12-31'],
    ['0001-01-01', '0001-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['', null],
    [null, null],
  ])('stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.startDate, input)).toBe(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    ['2023-02-29', 'INVALID_DATE', 'Start date: "2023-02-29" is not a day in the calendar'],
    ['1900-02-29', 'INVALID_DATE', 'Start date: "1900-02-29" is not a day in the calendar'],
    ['2024-04-31', 'INVALID_DATE', 'Start date: "2024-04-31" is not a day in the calendar'],
    ['2024-13-01', 'INVALID_DATE', 'Start date: "2024-13-01" is not a day in the calendar'],
    ['2024-00-10', 'INVALID_DATE', 'Start date: "2024-00-10" is not a day in the calendar'],
    ['0000-01-01', 'INVALID_DATE', 'Start date: "0000-01-01" is not a day in the calendar'],
    ['2024-1-5', 'WRONG_TYPE', 'Start date: expected a date as yyyy-mm-dd, got "2024-1-5"'],
    ['2024-01-05T00:00:00Z', 'WRONG_TYPE', 'Start date: expected a date as yyyy-mm-dd, got "2024-01-05T00:00:00Z"'],
    ['05/01/2024', 'WRONG_TYPE', 'Start date: expected a date as yyyy-mm-dd, got "05/01/2024"'],
    [1704412800000, 'WRONG_TYPE', 'Start date: expected a date as yyyy-mm-dd, got 1704412800000'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.startDate, input)).toEqual({ code, message });
  });
});

describe('parseFieldInput: duration', () => {
  it.each<[unknown, StoredValue]>([
    [0, 0],
    [3_600_000, 3_600_000],
    ['3600000', 3_600_000],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    ['', null],
    [null, null],
  ])('stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.effort, input)).toBe(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    [-1, 'OUT_OF_RANGE', 'Effort: expected a duration between 0 and 9007199254740991 ms, got -1'],
    [2 ** 53, 'OUT_OF_RANGE', 'Effort: expected a duration between 0 and 9007199254740991 ms, got 9007199254740992'],
    [1.5, 'NOT_WHOLE', 'Effort: expected whole milliseconds, got 1.5'],
    ['1.5', 'WRONG_TYPE', 'Effort: expected a duration in milliseconds, got "1.5"'],
    ['-5', 'WRONG_TYPE', 'Effort: expected a duration in milliseconds, got "-5"'],
    ['PT1H', 'WRONG_TYPE', 'Effort: expected a duration in milliseconds, got "PT1H"'],
    [Number.POSITIVE_INFINITY, 'WRONG_TYPE', 'Effort: expected a duration in milliseconds, got Infinity'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.effort, input)).toEqual({ code, message });
  });
});

describe('parseFieldInput: list, status and priority', () => {
  it.each(['list', 'status', 'priority'] as const)('a %s field stores the chosen option id', (type) => {
    expect(storedOf(withType(type), 'Done')).toBe(4);
  });

  it.each<[unknown, StoredValue]>([
    [1, 1],
    ['Done', 4],
    [' Done ', 4],
    ['', null],
    [null, null],
  ])('stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.status, input)).toBe(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    [99, 'UNKNOWN_OPTION', 'Status: there is no option 99; choose one of "On track", "At risk", "Done"'],
    ['done', 'UNKNOWN_OPTION', 'Status: there is no option "done"; choose one of "On track", "At risk", "Done"'],
    ['4', 'UNKNOWN_OPTION', 'Status: there is no option "4"; choose one of "On track", "At risk", "Done"'],
    [true, 'WRONG_TYPE', 'Status: expected an option id or name, got true'],
    [[4], 'WRONG_TYPE', 'Status: expected an option id or name, got a list'],
    [3, 'DISABLED_OPTION', 'Status: option "Off track" is disabled and can no longer be chosen'],
    ['Off track', 'DISABLED_OPTION', 'Status: option "Off track" is disabled and can no longer be chosen'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.status, input)).toEqual({ code, message });
  });

  it('says so when the field has no options yet', () => {
    expect(refusalOf(withType('list', []), 'Anything').message).toBe('Field: there is no option "Anything"; the field has no options yet');
  });

  it('keeps a disabled option the value already held', () => {
    expect(storedOf(FIELDS.status, 'Off track', 3)).toBe(3);
  });

  it('refuses a disabled option the value did not hold', () => {
    expect(refusalOf(FIELDS.status, 'Off track', 1).code).toBe('DISABLED_OPTION');
  });
});

describe('parseFieldInput: multilist', () => {
  it.each<[unknown, StoredValue]>([
    [[11], [11]],
    [[12, 11], [11, 12]],
    [['Compliance', 11], [11, 14]],
    [[11, 11, 'Strategic'], [11]],
    [[], []],
    [null, []],
    ['', []],
  ])('stores %p as %p (option order, no duplicates)', (input, stored) => {
    expect(storedOf(FIELDS.tags, input)).toEqual(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    ['Strategic', 'WRONG_TYPE', 'Tags: expected a list of option ids or names, got "Strategic"'],
    [11, 'WRONG_TYPE', 'Tags: expected a list of option ids or names, got 11'],
    [[11, 99], 'UNKNOWN_OPTION', 'Tags: there is no option 99; choose one of "Strategic", "Customer", "Compliance"'],
    [[11, { id: 12 }], 'WRONG_TYPE', 'Tags: expected an option id or name, got an object'],
    [[13], 'DISABLED_OPTION', 'Tags: option "Internal" is disabled and can no longer be chosen'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.tags, input)).toEqual({ code, message });
  });

  it('keeps disabled options the value already held while others are added', () => {
    expect(storedOf(FIELDS.tags, ['Internal', 'Customer'], [13])).toEqual([12, 13]);
  });
});

describe('parseFieldInput: user', () => {
  it.each<[unknown, StoredValue]>([
    [ACCOUNT_ID, ACCOUNT_ID],
    [CLOUD_ACCOUNT_ID, CLOUD_ACCOUNT_ID],
    [' 5b10ac8d82e05b22cc7d4ef5 ', '5b10ac8d82e05b22cc7d4ef5'],
    ['', null],
    [null, null],
  ])('stores %p as %p', (input, stored) => {
    expect(storedOf(FIELDS.owner, input)).toBe(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    ['Jane Doe', 'INVALID_ACCOUNT_ID', 'Owner: "Jane Doe" is not an Atlassian account id'],
    ['ünïcode', 'INVALID_ACCOUNT_ID', 'Owner: "ünïcode" is not an Atlassian account id'],
    ['a'.repeat(129), 'INVALID_ACCOUNT_ID', `Owner: "${'a'.repeat(40)}…" is not an Atlassian account id`],
    [42, 'WRONG_TYPE', 'Owner: expected an Atlassian account id, got 42'],
    [[ACCOUNT_ID], 'WRONG_TYPE', 'Owner: expected an Atlassian account id, got a list'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.owner, input)).toEqual({ code, message });
  });
});

describe('parseFieldInput: multiuser', () => {
  it.each<[unknown, StoredValue]>([
    [[CLOUD_ACCOUNT_ID, ACCOUNT_ID], [CLOUD_ACCOUNT_ID, ACCOUNT_ID]],
    [['b', 'a', 'b'], ['b', 'a']],
    [Array.from({ length: 150 }, () => 'same'), ['same']],
    [[], []],
    [null, []],
  ])('stores %p as %p (order sent, no duplicates)', (input, stored) => {
    expect(storedOf(FIELDS.stakeholders, input)).toEqual(stored);
  });

  it.each<[unknown, FieldValueErrorCode, string]>([
    [ACCOUNT_ID, 'WRONG_TYPE', `Stakeholders: expected a list of Atlassian account ids, got "${ACCOUNT_ID.slice(0, 40)}"`],
    [['a', 1], 'WRONG_TYPE', 'Stakeholders: expected an Atlassian account id, got 1'],
    [['a b'], 'INVALID_ACCOUNT_ID', 'Stakeholders: "a b" is not an Atlassian account id'],
    [Array.from({ length: 101 }, (_, i) => `user-${i}`), 'TOO_MANY_VALUES', 'Stakeholders: at most 100 users, got 101'],
  ])('refuses %p (%s)', (input, code, message) => {
    expect(refusalOf(FIELDS.stakeholders, input)).toEqual({ code, message });
  });
});

describe('parseFieldInput errors', () => {
  it.each<[FieldDefinition, unknown]>([
    [FIELDS.codeName, 1],
    [FIELDS.summary, 1],
    [FIELDS.budget, 'abc'],
    [FIELDS.startDate, 'tomorrow'],
    [FIELDS.effort, -1],
    [FIELDS.status, 'Nope'],
    [FIELDS.tags, ['Nope']],
    [FIELDS.owner, 'no such user'],
    [FIELDS.stakeholders, 'x'],
  ])('name the field they are about (%#)', (definition, input) => {
    const parsed = parseFieldInput(definition, input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ fieldId: definition.id, fieldName: definition.name });
    expect(parsed.error.message.startsWith(`${definition.name}: `)).toBe(true);
  });
});

describe('describeInput', () => {
  it.each<[unknown, string]>([
    ['abc', '"abc"'],
    ['q'.repeat(41), `"${'q'.repeat(40)}…"`],
    [1.5, '1.5'],
    [false, 'false'],
    [null, 'null'],
    [undefined, 'nothing'],
    [10n, '10'],
    [() => 1, 'a function'],
    [[1], 'a list'],
    [{}, 'an object'],
  ])('quotes %p as %s', (input, text) => {
    expect(describeInput(input)).toBe(text);
  });
});

describe('formatPayloadValue', () => {
  it.each<[string, FieldDefinition, StoredValue | undefined, unknown]>([
    ['text', FIELDS.codeName, 'Apollo', 'Apollo'],
    ['empty text', FIELDS.codeName, null, null],
    ['missing text', FIELDS.codeName, undefined, null],
    ['textarea with markup', FIELDS.summary, '*Goal*\n- ship', '*Goal*\n- ship'],
    ['number with 3 decimals', FIELDS.budget, 23, '23.000'],
    ['another number with 3 decimals', FIELDS.budget, 25, '25.000'],
    ['negative number', FIELDS.budget, -1.5, '-1.500'],
    ['zero', FIELDS.budget, 0, '0.000'],
    ['the largest number', FIELDS.budget, 1e15, '1000000000000000.000'],
    ['number held with more decimals than the field now has', FIELDS.budget, 1.0005, '1.001'],
    ['number with 2 decimals rounding half up', { ...FIELDS.budget, decimals: 2 }, 1.005, '1.01'],
    ['negative number rounding half away from zero', { ...FIELDS.budget, decimals: 0 }, -2.5, '-3'],
    ['number on a field without decimals', FIELDS.score, 7, '7'],
    ['empty number', FIELDS.budget, null, null],
    ['date', FIELDS.startDate, '2024-02-29', '2024-02-29'],
    ['empty date', FIELDS.startDate, null, null],
    ['duration', FIELDS.effort, 3_600_000, '3600000'],
    ['zero duration', FIELDS.effort, 0, '0'],
    ['status', FIELDS.status, 4, 'Done'],
    ['status on a disabled option', FIELDS.status, 3, 'Off track'],
    ['empty status', FIELDS.status, null, null],
    ['multilist, in option order', FIELDS.tags, [14, 11], ['Strategic', 'Compliance']],
    ['empty multilist', FIELDS.tags, [], []],
    ['missing multilist', FIELDS.tags, undefined, []],
    ['null multilist', FIELDS.tags, null, []],
    ['user', FIELDS.owner, ACCOUNT_ID, ACCOUNT_ID],
    ['empty user', FIELDS.owner, null, null],
    ['multiuser, in stored order', FIELDS.stakeholders, ['b', 'a'], ['b', 'a']],
    ['empty multiuser', FIELDS.stakeholders, [], []],
    ['missing multiuser', FIELDS.stakeholders, undefined, []],
  ])('renders %s', (_case, definition, stored, payload) => {
    expect(formatPayloadValue(definition, stored)).toEqual(payload);
  });

  it.each(['list', 'status', 'priority'] as const)('renders a %s option by its name', (type) => {
    expect(formatPayloadValue(withType(type), 2)).toBe('At risk');
  });

  it.each<[string, FieldDefinition, StoredValue, unknown]>([
    ['a deleted option as empty', FIELDS.status, 999, null],
    ['a multilist without its deleted options', FIELDS.tags, [11, 999, 14], ['Strategic', 'Compliance']],
    ['a multilist whose options were all deleted as empty', FIELDS.tags, [998, 999], []],
    ['text on a number field as empty', FIELDS.budget, 'abc', null],
    ['an impossible date as empty', FIELDS.startDate, '2023-02-29', null],
    ['a negative duration as empty', FIELDS.effort, -1, null],
    ['a fractional duration as empty', FIELDS.effort, 1.5, null],
    ['a single id on a multiuser field as empty', FIELDS.stakeholders, 'a', []],
  ])('renders a value that no longer fits its definition without failing: %s', (_case, definition, stored, payload) => {
    expect(formatPayloadValue(definition, stored)).toEqual(payload);
  });

  it('round-trips what was typed: "1.005" on a 3-decimal field is sent as "1.005"', () => {
    expect(formatPayloadValue(FIELDS.budget, storedOf(FIELDS.budget, '1.005'))).toBe('1.005');
  });
});

describe('option value ids, number affixes, related projects and computed fields', () => {
  const region: FieldDefinition = { id: 40, name: 'Region', type: 'list', options: [{ ...opt(1, 'Europe'), valueId: 'EU' }, { ...opt(2, 'Americas'), valueId: 'AM' }, opt(3, 'Asia')] };
  const regions: FieldDefinition = { ...region, id: 41, name: 'Regions', type: 'multilist' };

  it('an option is named by its value id as well as by its name; the payload sends the name', () => {
    expect(parseFieldInput(region, 'EU')).toEqual({ ok: true, value: 1 });
    expect(parseFieldInput(region, 'Europe')).toEqual({ ok: true, value: 1 });
    expect(parseFieldInput(regions, ['AM', 'Europe'])).toEqual({ ok: true, value: [1, 2] });
    expect(formatPayloadValue(region, 1)).toBe('Europe');
    expect(formatPayloadValue(regions, [1, 2])).toEqual(['Europe', 'Americas']);
    // Value ids are exact: "eu" is neither a name nor a value id.
    expect(parseFieldInput(region, 'eu')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPTION' } });
  });

  it('a number prefix and suffix are never part of the payload value', () => {
    const price: FieldDefinition = { id: 42, name: 'Price', type: 'number', decimals: 2, prefix: '$', suffix: 'USD' };
    expect(formatPayloadValue(price, 12.5)).toBe('12.50');
    expect(parseFieldInput(price, '$12.50')).toMatchObject({ ok: false, error: { code: 'WRONG_TYPE' } });
  });

  it('related projects: keys in upper case, several without duplicates, in the payload as keys', () => {
    const related: FieldDefinition = { id: 43, name: 'Depends on', type: 'project' };
    const relatedMany: FieldDefinition = { id: 44, name: 'Risks', type: 'multiproject' };
    expect(parseFieldInput(related, ' ops ')).toEqual({ ok: true, value: 'OPS' });
    expect(parseFieldInput(related, '')).toEqual({ ok: true, value: null });
    expect(parseFieldInput(relatedMany, ['ops', 'HR', 'OPS'])).toEqual({ ok: true, value: ['OPS', 'HR'] });
    expect(parseFieldInput(relatedMany, [])).toEqual({ ok: true, value: [] });
    expect(parseFieldInput(related, '1ABC')).toMatchObject({ ok: false, error: { code: 'INVALID_PROJECT_KEY', message: 'Depends on: "1ABC" is not a Jira project key' } });
    expect(parseFieldInput(relatedMany, 'OPS')).toMatchObject({ ok: false, error: { code: 'WRONG_TYPE' } });
    expect(parseFieldInput(relatedMany, Array.from({ length: 101 }, (_, i) => `P${i}`))).toMatchObject({ ok: false, error: { code: 'TOO_MANY_VALUES' } });
    expect(formatPayloadValue(related, 'OPS')).toBe('OPS');
    expect(formatPayloadValue(related, undefined)).toBeNull();
    expect(formatPayloadValue(relatedMany, ['OPS', 'HR'])).toEqual(['OPS', 'HR']);
    expect(formatPayloadValue(relatedMany, undefined)).toEqual([]);
  });

  it.each(['formula', 'updated', 'created', 'creator'] as const)('a %s field cannot be set, and says so naming the field', (type) => {
    const definition: FieldDefinition = type === 'formula' ? { id: 45, name: 'Margin', type, expression: '1' } : { id: 45, name: 'Auto', type };
    const parsed = parseFieldInput(definition, '12');
    expect(parsed).toMatchObject({ ok: false, error: { code: 'READ_ONLY', fieldId: 45 } });
    if (!parsed.ok) expect(parsed.error.message).toMatch(new RegExp(`^${definition.name}: is (calculated|filled by the app)`));
  });
});
