import { describe, expect, it } from '@jest/globals';
import { allShownAtFields, shownFieldErrors, withoutNothingSaved } from './form-errors';

describe('form errors of the server', () => {
  it('puts field errors on the form fields it has', () => {
    expect(shownFieldErrors({ url: 'not https', other: 'x' }, ['name', 'url'] as const)).toEqual({ url: 'not https' });
    expect(shownFieldErrors(undefined, ['name'] as const)).toEqual({});
  });

  it('says the message above is redundant only when every field error shows at a field', () => {
    expect(allShownAtFields({ url: 'not https' }, ['name', 'url'])).toBe(true);
    expect(allShownAtFields({ url: 'x', revision: 'y' }, ['name', 'url'])).toBe(false);
    expect(allShownAtFields({}, ['name'])).toBe(false);
    expect(allShownAtFields(undefined, ['name'])).toBe(false);
  });

  it('drops "Nothing was saved" under a title that says so already', () => {
    expect(withoutNothingSaved('Unknown project: XYZ. Nothing was saved.')).toBe('Unknown project: XYZ.');
    expect(withoutNothingSaved('Nothing was saved: 2 fields have problems. Name is required.')).toBe('2 fields have problems. Name is required.');
    expect(withoutNothingSaved('A field named "X" already exists.')).toBe('A field named "X" already exists.');
    expect(withoutNothingSaved('Nothing was saved.')).toBe('Nothing was saved.');
  });
});
