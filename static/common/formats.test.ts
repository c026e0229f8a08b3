import { describe, expect, it } from '@jest/globals';
import { DAY_FORMAT, dateTimeFormat, numberFormat } from './formats';

describe('kept Intl formatters', () => {
  it('makes one formatter per locale and options, and formats as Intl does', () => {
    const day = dateTimeFormat('en-US', DAY_FORMAT);
    expect(dateTimeFormat('en-US', { ...DAY_FORMAT })).toBe(day);
    expect(day.format(Date.UTC(2026, 0, 5))).toBe('Jan 5, 2026');
    expect(dateTimeFormat('de-DE', DAY_FORMAT)).not.toBe(day);
    expect(dateTimeFormat('de-DE', DAY_FORMAT).format(Date.UTC(2026, 0, 5))).toBe(new Intl.DateTimeFormat('de-DE', DAY_FORMAT).format(Date.UTC(2026, 0, 5)));
    expect(dateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })).not.toBe(day);
  });

  it('keeps number formatters apart by their decimals', () => {
    const two = numberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(numberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })).toBe(two);
    expect(two.format(1234.5)).toBe('1,234.50');
    expect(numberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(1234.5)).toBe('1,235');
  });
});
