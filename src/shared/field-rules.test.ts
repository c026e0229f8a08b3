import { describe, expect, it } from '@jest/globals';
import { formatPayloadValue, parseFieldInput } from '../domain/fields/field-values';
import { numberToInput, parseDate, parseNumber, parseText, parseTextarea } from '../../static/common/values';
import { checkNumberText, nameProblem, textProblem } from './field-rules';

describe('checkNumberText', () => {
  it.each<[string, number, ReturnType<typeof checkNumberText>]>([
    ['23', 3, { ok: true, value: 23 }],
    ['-0', 0, { ok: true, value: 0 }],
    ['1.50', 1, { ok: true, value: 1.5 }],
    ['1,5', 2, { ok: false, problem: 'NOT_A_NUMBER' }],
    ['1e5', 2, { ok: false, problem: 'NOT_A_NUMBER' }],
    ['2.555', 2, { ok: false, problem: 'TOO_MANY_DECIMALS' }],
    ['10000000000000000', 0, { ok: false, problem: 'OUT_OF_RANGE' }],
    ['1234567890.123456', 6, { ok: false, problem: 'TOO_PRECISE' }],
  ])('%j with %i decimals', (text, decimals, expected) => {
    expect(checkNumberText(text, decimals)).toEqual(expected);
  });
});

/** The editors' checks and the backend's parser are one set of rules: they accept the same input. */
describe('the UI and the backend agree on what a value may be', () => {
  const field = (type: 'text' | 'textarea' | 'number' | 'date', decimals?: number) => ({ id: 1, name: 'F', type, ...(decimals !== undefined ? { decimals } : {}) });

  it.each(['23', '23.5', '23.50', '.5', '5.', '-0', '2.555', '1e5', '1,234', '10000000000000000', '999999999999999', '1234567890.123456'])('number %j (2 decimals)', (input) => {
    expect(parseNumber(input, 2).ok).toBe(parseFieldInput(field('number', 2), input).ok);
  });

  it.each(['hello', 'a'.repeat(255), 'a'.repeat(256), '😀'.repeat(255), 'two\nlines', 'nul\u0000', 'esc\u001b', 'half \ud800', 'tab\tinside'])('text of %#', (input) => {
    expect(parseText(input).ok).toBe(parseFieldInput(field('text'), input).ok);
  });

  it.each(['x'.repeat(32_768), 'x'.repeat(32_769), 'lines\r\nand\ttabs', 'nul\u0000', 'del\u007f', 'half \udc00'])('textarea of %#', (input) => {
    expect(parseTextarea(input).ok).toBe(parseFieldInput(field('textarea'), input).ok);
  });

  it.each(['2024-02-29', '2023-02-29', '2024-13-01', '0001-01-01', '31/01/2024'])('date %s', (input) => {
    expect(parseDate(input).ok).toBe(parseFieldInput(field('date'), input).ok);
  });

  it.each<[number, number]>([
    [1.005, 2],
    [1.005, 0],
    [2.5, 0],
    [-2.5, 0],
    [23.4567, 2],
    [999.995, 2],
    [0.1 + 0.2, 1],
  ])('the editor shows %d with %i decimals as the payload renders it', (stored, decimals) => {
    expect(numberToInput(stored, decimals)).toBe(formatPayloadValue(field('number', decimals), stored));
  });

  it('after an admin lowers the decimals, a stored 1.005 reads 1.01 in the editor, as in the payload (not 1.00)', () => {
    expect([numberToInput(1.005, 2), formatPayloadValue(field('number', 2), 1.005)]).toEqual(['1.01', '1.01']);
  });
});

describe('textProblem and nameProblem: one rule for names and texts, shared with the UI', () => {
  it.each<[string, boolean, ReturnType<typeof textProblem>]>([
    ['plain text ✓ 😀', false, undefined],
    ['tab\there', false, 'CONTROL_CHARACTER'],
    ['tab\there', true, undefined],
    ['lines\r\nhere', true, undefined],
    ['nul\u0000', true, 'CONTROL_CHARACTER'],
    ['escape\u001b', true, 'CONTROL_CHARACTER'],
    ['del\u007f', true, 'CONTROL_CHARACTER'],
    ['c1\u0085', false, 'CONTROL_CHARACTER'],
    ['high \ud83d alone', false, 'LONE_SURROGATE'],
    ['low \ude00 alone', true, 'LONE_SURROGATE'],
    ['trailing high \ud83d', false, 'LONE_SURROGATE'],
  ])('%j (multiline %s) -> %s', (text, multiline, expected) => {
    expect(textProblem(text, { multiline })).toBe(expected);
  });

  it('refuses reserved field names whatever their case or padding, only where asked', () => {
    expect(nameProblem('__proto__', { reserved: true })).toMatch(/reserved/);
    expect(nameProblem(' Constructor ', { reserved: true })).toMatch(/reserved/);
    expect(nameProblem('prototype', { reserved: true })).toMatch(/reserved/);
    expect(nameProblem('constructor')).toBeUndefined();
    expect(nameProblem('Constructor costs', { reserved: true })).toBeUndefined();
    expect(nameProblem('Bad\u0000', { reserved: true })).toMatch(/control characters/);
  });
});
