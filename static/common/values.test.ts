import { describe, expect, it } from '@jest/globals';
import { formatDate, formatDuration, formatNumber, numberToInput, parseDate, parseDuration, parseNumber, parseText, parseTextarea, sameValue } from './values';

describe('text', () => {
  it.each([
    ['  Budget 2025 ', { ok: true, value: 'Budget 2025' }],
    ['   ', { ok: true, value: null }],
    ['a'.repeat(255), { ok: true, value: 'a'.repeat(255) }],
  ])('parses %j', (input, expected) => expect(parseText(input)).toEqual(expected));

  it('refuses more than 255 characters, counting emoji as one each', () => {
    expect(parseText('😀'.repeat(255)).ok).toBe(true);
    expect(parseText('a'.repeat(256))).toEqual({ ok: false, message: 'Use at most 255 characters (256 now).' });
  });

  it('refuses several lines', () => expect(parseText('one\ntwo').ok).toBe(false));

  it('keeps paragraph markup and indentation as typed', () => {
    expect(parseTextarea('  *bold*\n- item\n')).toEqual({ ok: true, value: '  *bold*\n- item\n' });
    expect(parseTextarea(' \n ')).toEqual({ ok: true, value: null });
  });
});

describe('numbers', () => {
  it.each([
    ['23', 3, 23],
    ['23.5', 3, 23.5],
    ['-0.125', 3, -0.125],
    ['23.500', 1, 23.5],
    ['', 2, null],
    ['-0', 0, 0],
    ['999999999999999', 0, 999999999999999],
  ])('parses %j with %i decimals as %p', (input, decimals, value) => expect(parseNumber(input, decimals)).toEqual({ ok: true, value }));

  it.each([
    ['1,234', 2, 'Enter a number such as 1234.5, without thousands separators.'],
    ['1e5', 2, 'Enter a number such as 1234.5, without thousands separators.'],
    ['2.5', 0, 'Enter a whole number.'],
    ['2.555', 2, 'Use at most 2 decimal places.'],
    ['2.55', 1, 'Use at most 1 decimal place.'],
    ['10000000000000000', 0, 'Enter a number between -1e15 and 1e15.'],
    ['1234567890.123456', 6, 'Use at most 15 significant digits.'],
  ])('refuses %j with %i decimals', (input, decimals, message) => expect(parseNumber(input, decimals)).toEqual({ ok: false, message }));

  it('shows numbers with the field decimals', () => {
    expect(numberToInput(23, 3)).toBe('23.000');
    // Rounded on the decimal text, as payloads are: the double behind 1.005 is 1.00499999...
    expect(numberToInput(1.005, 2)).toBe('1.01');
    expect(formatNumber(1234.5, 3, 'en-US')).toBe('1,234.500');
    expect(formatNumber(7, 0, 'en-US')).toBe('7');
  });
});

describe('dates', () => {
  it.each(['2024-02-29', '0001-01-01'])('accepts %s', (date) => expect(parseDate(date)).toEqual({ ok: true, value: date }));
  it.each(['2023-02-29', '2024-13-01', '31/01/2024', '2024-1-5'])('refuses %s', (date) => expect(parseDate(date).ok).toBe(false));
  it('formats without moving the day across time zones', () => expect(formatDate('2024-03-01', 'en-US')).toBe('Mar 1, 2024'));
});

describe('durations', () => {
  it.each([
    ['2h 30m', 9_000_000],
    ['2H30M', 9_000_000],
    ['90', 5_400_000],
    ['1d 4h', 100_800_000],
    ['1.5h', 5_400_000],
    ['45s', 45_000],
    ['250ms', 250],
    ['0', 0],
    ['', null],
  ])('parses %j', (input, ms) => expect(parseDuration(input)).toEqual({ ok: true, value: ms }));

  it.each(['2 hours', 'h', '2h 2h', '-5m', '3x'])('refuses %j', (input) => expect(parseDuration(input).ok).toBe(false));

  it.each([
    [9_000_000, '2h 30m'],
    [0, '0m'],
    [100_800_000, '1d 4h'],
    [61_250, '1m 1s 250ms'],
  ])('formats %i ms as %j and parses it back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });
});

describe('sameValue', () => {
  it('compares arrays by items in order', () => {
    expect(sameValue([1, 2], [1, 2])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, null)).toBe(true);
    expect(sameValue('a', 'a')).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
  });
});
