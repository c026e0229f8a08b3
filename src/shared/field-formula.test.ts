import { describe, expect, it } from '@jest/globals';
import { evaluateFormula, formatFormulaValue, formulaKind, formulaReferences, formulaValueOf, parseFormula, renameFormulaReference, type FormulaOperand, type FormulaValue } from './field-formula';

const fields: Record<string, FormulaOperand & { stored?: unknown }> = {
  budget: { name: 'Budget', type: 'number', stored: 1.1 },
  cost: { name: 'Cost', type: 'number', stored: 2.2 },
  zero: { name: 'Zero', type: 'number', stored: 0 },
  empty: { name: 'Empty', type: 'number' },
  start: { name: 'Start date', type: 'date', stored: '2024-02-28' },
  end: { name: 'End date', type: 'date', stored: '2024-03-01' },
  effort: { name: 'Effort', type: 'duration', stored: 5_400_000 },
  owner: { name: 'Owner', type: 'user', stored: 'abc' },
};
const lookup = (name: string) => Object.values(fields).find((f) => f.name.toLowerCase() === name.toLowerCase());
const input = (name: string): FormulaValue | undefined => {
  const f = lookup(name);
  return f && (f.type === 'number' || f.type === 'date' || f.type === 'duration') ? formulaValueOf(f.type, f.stored) : undefined;
};

/** Parses, checks and works out `source`, as a number field with `decimals` would show it. */
function run(source: string, decimals = 2): string | null {
  const parsed = parseFormula(source);
  if (!parsed.ok) throw new Error(parsed.message);
  const kind = formulaKind(parsed.value, lookup);
  if (!kind.ok) throw new Error(kind.message);
  return formatFormulaValue(evaluateFormula(parsed.value, input), decimals);
}

describe('formulas: arithmetic with exact decimals', () => {
  it.each([
    ['{Budget} + {Cost}', 2, '3.30'],
    // 1.1 + 2.2 is 3.3000000000000003 in floating point; here it is exactly 3.3.
    ['{Budget} + {Cost}', 6, '3.300000'],
    ['{Budget} * 3', 3, '3.300'],
    ['{Cost} - {Budget} * 2', 2, '0.00'],
    ['({Budget} + {Cost}) * 2', 1, '6.6'],
    ['1 / 3', 6, '0.333333'],
    ['2 / 3', 0, '1'],
    ['-{Budget}', 2, '-1.10'],
    ['- - 4', 0, '4'],
    ['1.005 * 1', 2, '1.01'],
    ['-0.004', 2, '0.00'],
    ['min({Budget}, {Cost}, 5)', 1, '1.1'],
    ['max({Budget}, {Cost}, 0.5)', 1, '2.2'],
    ['MAX(1, 2)', 0, '2'],
    ['999999999999999.9 + 0.1', 1, '1000000000000000.0'],
  ])('%s with %i decimals is %s', (source, decimals, expected) => {
    expect(run(source, decimals)).toBe(expected);
  });
});

describe('formulas: dates and durations', () => {
  it('a date difference is the days between them (2024 is a leap year)', () => {
    expect(run('{End date} - {Start date}', 0)).toBe('2');
    expect(run('{Start date} - {End date}', 0)).toBe('-2');
  });
  it('durations add, scale and divide in milliseconds', () => {
    expect(run('{Effort} + {Effort}')).toBe('10800000');
    expect(run('{Effort} * 1.5')).toBe('8100000');
    expect(run('{Effort} / 7')).toBe('771429');
    expect(run('{Effort} / {Effort}', 2)).toBe('1.00');
  });
  it('min and max of dates are dates', () => {
    expect(run('min({Start date}, {End date})')).toBe('2024-02-28');
    expect(run('max({Start date}, {End date})')).toBe('2024-03-01');
  });
  it('the kind of the result', () => {
    const kindOf = (source: string) => {
      const parsed = parseFormula(source);
      if (!parsed.ok) throw new Error(parsed.message);
      return formulaKind(parsed.value, lookup);
    };
    expect(kindOf('{End date} - {Start date}')).toEqual({ ok: true, value: 'number' });
    expect(kindOf('{Effort} * 2')).toEqual({ ok: true, value: 'duration' });
    expect(kindOf('max({End date}, {Start date})')).toEqual({ ok: true, value: 'date' });
  });
});

describe('formulas: empty results', () => {
  it('an empty field makes the result empty', () => {
    expect(run('{Budget} + {Empty}')).toBeNull();
  });
  it('a division by zero is empty, not infinite', () => {
    expect(run('{Budget} / {Zero}')).toBeNull();
    expect(run('{Budget} / (1 - 1)')).toBeNull();
  });
});

describe('formulas: the grammar refuses, saying where', () => {
  it.each([
    ['', /empty/],
    ['{Budget} +', /expected a number, a \{field\}, min, max or "\(" at character 11, found the end/],
    ['{Budget', /no closing \}/],
    ['{ }', /names no field/],
    ['(1 + 2', /expected "\)"/],
    ['1 2', /unexpected the number 2 at character 3/],
    ['sum(1, 2)', /"sum" at character 1 is not a function/],
    ['Budget * 2', /write field names in braces/],
    ['1 ^ 2', /"\^" at character 3 is not allowed/],
    ['process.exit()', /"\." at character 8 is not a number/],
    ['exit()', /"exit" at character 1 is not a function/],
    ['min()', /found "\)"/],
    ['1..2', /unexpected/],
    ['('.repeat(60) + '1' + ')'.repeat(60), /deeper than 50 levels/],
    ['1 +'.repeat(400) + '1', /longer than 1000 characters/],
  ])('%j', (source, message) => {
    const parsed = parseFormula(source);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('formulas: kinds that do not go together', () => {
  it.each([
    ['{Budget} + {Start date}', /cannot add a number and a date \(\{Budget\} \+ \{Start date\}\)/],
    ['{Start date} + {End date}', /cannot add a date and a date/],
    ['{Effort} + 1', /cannot add a duration and a number/],
    ['{Effort} * {Effort}', /cannot multiply a duration and a duration/],
    ['1 / {Effort}', /cannot divide a number and a duration/],
    ['-{Start date}', /a date cannot be negated/],
    ['min({Budget}, {Start date})', /min needs arguments of one kind, got a number and a date/],
    ['{Owner} * 2', /\{Owner\} is a user field; formulas can use number, date, duration, formula, Updated and Created date fields/],
    ['{Nope} * 2', /there is no field named "Nope"/],
  ])('%s', (source, message) => {
    const parsed = parseFormula(source);
    if (!parsed.ok) throw new Error(parsed.message);
    const kind = formulaKind(parsed.value, lookup);
    expect(kind.ok).toBe(false);
    if (!kind.ok) expect(kind.message).toMatch(message);
  });
});

describe('formula references', () => {
  it('lists each field once, ignoring case', () => {
    const parsed = parseFormula('{Budget} + {budget} * max({Cost}, 1)');
    expect(parsed.ok && formulaReferences(parsed.value)).toEqual(['Budget', 'Cost']);
  });
  it('follow a renamed field, leaving the rest of the text as it was', () => {
    expect(renameFormulaReference('{Budget}  +  { budget } * {Cost}', 'Budget', 'Total budget')).toBe('{Total budget}  +  {Total budget} * {Cost}');
  });
});

describe('formulas: long chains stay bounded', () => {
  it('many divisions and products in a row keep their decimals bounded and the result right', () => {
    const source = `${'('.repeat(40)}1${' / 3) * 3'.repeat(40)}`;
    expect(run(source, 6)).toBe('1.000000');
  });
});
