import { countDecimalsOfText, countSignificantDigitsOfText, PLAIN_DECIMAL } from './decimal-text';
import { isComputedFieldType, type FieldTypeId } from './field-types';

export { isComputedFieldType };

/**
 * The rules of project fields, in one place for the backend (definitions, value parsing, resolver
 * schemas) and the UI (forms and editors that check as people type). Pure: no I/O, no platform.
 */

export const FIELD_NAME_MAX_LENGTH = 80;
export const OPTION_NAME_MAX_LENGTH = 60;
export const DESCRIPTION_MAX_LENGTH = 500;
export const MAX_OPTIONS_PER_FIELD = 100;
export const MAX_DECIMALS = 6;

export const TEXT_MAX_LENGTH = 255;
export const TEXTAREA_MAX_LENGTH = 32_768;
export const NUMBER_MAX_MAGNITUDE = 1e15;
/** Every decimal of up to 15 significant digits survives the trip through a double unchanged. */
export const NUMBER_MAX_SIGNIFICANT_DIGITS = 15;
export const MULTIUSER_MAX_USERS = 100;
export const MULTIPROJECT_MAX_PROJECTS = 100;
/** A number's prefix or suffix (a currency sign, a unit): shown on the page, never sent to webhooks. */
export const AFFIX_MAX_LENGTH = 10;
/** Option value ids: letters, digits and `_ . : -`, starting with a letter or digit. */
export const OPTION_VALUE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,59}$/;
export const OPTION_VALUE_ID_RULE = 'at most 60 letters, digits and _ . : -, starting with a letter or digit';
/** A Jira project key as related-project fields hold it. */
export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

/** The types whose values are chosen from the definition's options. */
export const OPTION_FIELD_TYPES = ['list', 'multilist', 'status', 'priority'] as const satisfies readonly FieldTypeId[];
export type OptionFieldType = (typeof OPTION_FIELD_TYPES)[number];

export function isOptionFieldType(type: FieldTypeId): type is OptionFieldType {
  return (OPTION_FIELD_TYPES as readonly FieldTypeId[]).includes(type);
}

/**
 * Option colours: a small named palette the UI maps to Atlaskit design tokens (so colours follow
 * the light and dark themes), or an exact `#rrggbb` for sites that need their own.
 */
export const NAMED_OPTION_COLOURS = ['grey', 'blue', 'teal', 'green', 'yellow', 'orange', 'red', 'purple'] as const;
export type NamedOptionColour = (typeof NAMED_OPTION_COLOURS)[number];
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export function isNamedOptionColour(colour: string): colour is NamedOptionColour {
  return (NAMED_OPTION_COLOURS as readonly string[]).includes(colour);
}

export const isOptionColour = (colour: string): boolean => isNamedOptionColour(colour) || HEX_COLOUR.test(colour);

/** Characters as people count them (code points), not UTF-16 units. */
export const characterCount = (text: string): number => Array.from(text).length;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export const isIsoDateText = (text: string): boolean => ISO_DATE.test(text);

/** True for `yyyy-mm-dd` text naming a day that exists in the (proleptic Gregorian) calendar. */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export type NumberTextProblem = 'NOT_A_NUMBER' | 'OUT_OF_RANGE' | 'TOO_MANY_DECIMALS' | 'TOO_PRECISE';

/**
 * Plain decimal text ("1234.5", no exponent, no grouping) as a number field with `decimals`
 * stores it. More decimals than the field has are refused, never rounded: a save never changes
 * what was typed without saying so. Decimals are counted on the text, trailing zeros ignored.
 */
export function checkNumberText(text: string, decimals: number): { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: NumberTextProblem } {
  if (!PLAIN_DECIMAL.test(text)) return { ok: false, problem: 'NOT_A_NUMBER' };
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) > NUMBER_MAX_MAGNITUDE) return { ok: false, problem: 'OUT_OF_RANGE' };
  if (countDecimalsOfText(text) > decimals) return { ok: false, problem: 'TOO_MANY_DECIMALS' };
  if (countSignificantDigitsOfText(text) > NUMBER_MAX_SIGNIFICANT_DIGITS) return { ok: false, problem: 'TOO_PRECISE' };
  // `+ 0` turns -0 into 0, so "-0" and "0" are the same stored value.
  return { ok: true, value: value + 0 };
}

/** "a whole number" or "at most 2 decimal places": what a number field with `decimals` accepts. */
export const decimalsAllowed = (decimals: number): string => (decimals === 0 ? 'a whole number' : `at most ${decimals} decimal place${decimals === 1 ? '' : 's'}`);

// ---------------------------------------------------------------- text hygiene

/**
 * Control characters: C0 (NUL, escape, …), DEL and C1. Names and one-line values allow none;
 * multi-line text keeps line feeds, carriage returns and tabs.
 */
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_CHARACTER_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Half of a surrogate pair on its own: not a character, and not valid UTF-8 once stored or sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextProblem = 'CONTROL_CHARACTER' | 'LONE_SURROGATE';

/** What is wrong with the characters of `text` (undefined: nothing). `multiline`: newlines and tabs are fine. */
export function textProblem(text: string, options: { multiline?: boolean } = {}): TextProblem | undefined {
  if ((options.multiline ? CONTROL_CHARACTER_BUT_LINES : CONTROL_CHARACTER).test(text)) return 'CONTROL_CHARACTER';
  if (LONE_SURROGATE.test(text)) return 'LONE_SURROGATE';
  return undefined;
}

export const TEXT_PROBLEM_MESSAGES: Readonly<Record<TextProblem, string>> = {
  CONTROL_CHARACTER: 'must not contain control characters (NUL, escape and the like)',
  LONE_SURROGATE: 'must not contain half of a surrogate pair (broken Unicode)',
};

/** The same rule for a multi-line text: newlines and tabs allowed. */
export const TEXT_PROBLEM_MESSAGES_MULTILINE: Readonly<Record<TextProblem, string>> = {
  CONTROL_CHARACTER: 'must not contain control characters other than line breaks and tabs',
  LONE_SURROGATE: TEXT_PROBLEM_MESSAGES.LONE_SURROGATE,
};

/**
 * Names that would be read as an object's own machinery wherever names become keys (JSON bodies
 * keyed by field name, maps in the UI): refused for field names, whatever their case.
 */
export const RESERVED_FIELD_NAMES = ['__proto__', 'constructor', 'prototype'] as const;

export const isReservedFieldName = (name: string): boolean => (RESERVED_FIELD_NAMES as readonly string[]).includes(name.trim().toLowerCase());

/** The message for a name that fails `nameProblem`, or undefined. One wording for the UI and the backend. */
export function nameProblem(name: string, options: { reserved?: boolean } = {}): string | undefined {
  const problem = textProblem(name);
  if (problem) return `name ${TEXT_PROBLEM_MESSAGES[problem]}`;
  if (options.reserved && isReservedFieldName(name)) return `"${name.trim()}" cannot be a field name (reserved: ${RESERVED_FIELD_NAMES.join(', ')})`;
  return undefined;
}
