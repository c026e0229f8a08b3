import { formatFixedDecimals } from '../../src/shared/decimal-text';
import { DAY_FORMAT, dateTimeFormat, numberFormat } from './formats';
import { characterCount, checkNumberText, decimalsAllowed, isCalendarDate, isIsoDateText, NUMBER_MAX_SIGNIFICANT_DIGITS, TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH, textProblem } from '../../src/shared/field-rules';

/**
 * Field values in the browser: what people type, how it is checked before a save, and how stored
 * values are shown. The rules are the backend's own (`src/shared/field-rules.ts`), with messages
 * worded for the person typing; the backend parses every value again and is the authority.
 */

export { characterCount, isCalendarDate, TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const problem = (message: string): Parsed<never> => ({ ok: false, message });

export function parseText(input: string): Parsed<string | null> {
  const text = input.trim();
  if (text === '') return ok(null);
  if (/[\r\n]/.test(text)) return problem('Use one line of text.');
  if (textProblem(text)) return problem('Remove the control characters or broken characters (pasted from elsewhere?).');
  const length = characterCount(text);
  if (length > TEXT_MAX_LENGTH) return problem(`Use at most ${TEXT_MAX_LENGTH} characters (${length} now).`);
  return ok(text);
}

/** Paragraphs keep their markup and indentation exactly as typed; only a blank one is empty. */
export function parseTextarea(input: string): Parsed<string | null> {
  if (input.trim() === '') return ok(null);
  const length = characterCount(input);
  if (length > TEXTAREA_MAX_LENGTH) return problem(`Use at most ${TEXTAREA_MAX_LENGTH.toLocaleString('en-US')} characters (${length.toLocaleString('en-US')} now).`);
  if (textProblem(input, { multiline: true })) return problem('Remove the control characters or broken characters (pasted from elsewhere?); line breaks and tabs are fine.');
  return ok(input);
}

/** Plain decimal text ("1234.5"); more decimals than the field has are refused, never rounded. */
export function parseNumber(input: string, decimals: number): Parsed<number | null> {
  const text = input.trim().replace(/\s+/g, '');
  if (text === '') return ok(null);
  const checked = checkNumberText(text, decimals);
  if (checked.ok) return ok(checked.value);
  switch (checked.problem) {
    case 'NOT_A_NUMBER':
      return problem('Enter a number such as 1234.5, without thousands separators.');
    case 'OUT_OF_RANGE':
      return problem('Enter a number between -1e15 and 1e15.');
    case 'TOO_MANY_DECIMALS':
      return problem(`${decimals === 0 ? 'Enter' : 'Use'} ${decimalsAllowed(decimals)}.`);
    case 'TOO_PRECISE':
      return problem(`Use at most ${NUMBER_MAX_SIGNIFICANT_DIGITS} significant digits.`);
  }
}

/**
 * The number as an editable text with the field's decimals ("23.000"), rounded as webhook
 * payloads round it: after an admin lowers the decimals, a stored 1.005 reads "1.01" here and in
 * the payload (`toFixed` would say "1.00": the double holds 1.00499999...).
 */
export function numberToInput(value: number, decimals: number): string {
  return formatFixedDecimals(value, decimals);
}

/** The number for reading, grouped in the reader's locale, always with the field's decimals. */
export function formatNumber(value: number, decimals: number, locale?: string): string {
  return numberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
}

export function parseDate(input: string): Parsed<string | null> {
  const text = input.trim();
  if (text === '') return ok(null);
  if (!isIsoDateText(text)) return problem('Enter a date as yyyy-mm-dd.');
  if (!isCalendarDate(text)) return problem(`${text} is not a day in the calendar.`);
  return ok(text);
}

/** A date for reading, in the reader's locale, without moving it across time zones. */
export function formatDate(isoDate: string, locale?: string): string {
  if (!isCalendarDate(isoDate)) return isoDate;
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return dateTimeFormat(locale, DAY_FORMAT).format(date);
}

/**
 * Durations are typed as units ("2h 30m", "1d 4h", "45m 30s") or as a plain number of minutes
 * ("90"). A day is 24 hours: these are lengths of time, not working days. Stored in milliseconds.
 */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|d|h|m|s)(?![a-z])/gy;

export const DURATION_HINT = 'For example 2h 30m, 1d 4h or 90 (minutes). A day is 24 hours.';

export function parseDuration(input: string): Parsed<number | null> {
  const text = input.trim().toLowerCase();
  if (text === '') return ok(null);
  if (/^\d+$/.test(text)) return checkedDuration(Number(text) * UNIT_MS.m);
  let total = 0;
  let position = 0;
  const seen = new Set<string>();
  DURATION_PART.lastIndex = 0;
  while (position < text.length) {
    while (text[position] === ' ') position += 1;
    if (position >= text.length) break;
    DURATION_PART.lastIndex = position;
    const match = DURATION_PART.exec(text);
    if (!match) return problem('Enter a duration such as 2h 30m, 1d 4h or 90 (minutes).');
    const unit = match[2] as Unit;
    if (seen.has(unit)) return problem(`"${unit}" appears twice; give each unit once, such as 2h 30m.`);
    seen.add(unit);
    total += Number(match[1]) * UNIT_MS[unit];
    position = DURATION_PART.lastIndex;
  }
  return checkedDuration(total);
}

function checkedDuration(ms: number): Parsed<number> {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded) || rounded < 0) return problem('That duration is too long.');
  return ok(rounded);
}

/** "2h 30m"; units that are zero are left out; "0m" for zero. Exact: it parses back to the same ms. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) return String(ms);
  if (ms === 0) return '0m';
  let rest = ms;
  const parts: string[] = [];
  for (const unit of UNIT_ORDER) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    rest -= amount * UNIT_MS[unit];
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.join(' ');
}

/** Equality of stored values (arrays by their items, in order). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => item === b[index]);
  return a === b;
}
