import { describe, expect, it } from '@jest/globals';
import { countDecimalsOfText, countSignificantDigitsOfText, formatFixedDecimals, toPlainDecimal } from './decimal-text';

describe('toPlainDecimal', () => {
  it.each<[number, string]>([
    [23, '23'],
    [-1.5, '-1.5'],
    [0, '0'],
    [-0, '0'],
    [1e15, '1000000000000000'],
    [1e21, '1000000000000000000000'],
    [1.5e21, '1500000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.25e-7, '-0.000000125'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('writes %p as %p', (value, text) => {
    expect(toPlainDecimal(value)).toBe(text);
  });
});

describe('formatFixedDecimals', () => {
  it.each<[number, number, string]>([
    [23, 3, '23.000'],
    [25, 3, '25.000'],
    [-1.5, 3, '-1.500'],
    [0, 2, '0.00'],
    [7, 0, '7'],
    [1.005, 2, '1.01'],
    [1.0049, 2, '1.00'],
    [2.5, 0, '3'],
    [-2.5, 0, '-3'],
    [0.5, 0, '1'],
    [999.995, 2, '1000.00'],
    [-999.995, 2, '-1000.00'],
    [0.995, 2, '1.00'],
    [-0.004, 2, '0.00'],
    [1.23, 6, '1.230000'],
    [5e-7, 6, '0.000001'],
    [4e-7, 6, '0.000000'],
    [1e15, 3, '1000000000000000.000'],
    [-123456789012.345, 3, '-123456789012.345'],
    [1e21, 0, '1000000000000000000000'],
  ])('renders %p with %i decimals as %p', (value, decimals, text) => {
    expect(formatFixedDecimals(value, decimals)).toBe(text);
  });
});

describe('countDecimalsOfText', () => {
  it.each<[string, number]>([
    ['2', 0],
    ['2.', 0],
    ['2.000', 0],
    ['1.50', 1],
    ['-0.125', 3],
    ['.5', 1],
  ])('%p has %i decimals', (text, decimals) => {
    expect(countDecimalsOfText(text)).toBe(decimals);
  });
});

describe('countSignificantDigitsOfText', () => {
  it.each<[string, number]>([
    ['1000', 1],
    ['0.0120', 2],
    ['-123.45', 5],
    ['999999999999999', 15],
    ['123456789012345.6', 16],
    ['0', 0],
  ])('%p has %i significant digits', (text, digits) => {
    expect(countSignificantDigitsOfText(text)).toBe(digits);
  });
});
