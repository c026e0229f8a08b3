import { err, ok, type Result } from '../result';
import { formatFixedDecimals, PLAIN_DECIMAL, toPlainDecimal } from '../../shared/decimal-text';
import {
  characterCount,
  checkNumberText,
  decimalsAllowed,
  isCalendarDate,
  isIsoDateText,
  MULTIPROJECT_MAX_PROJECTS,
  MULTIUSER_MAX_USERS,
  NUMBER_MAX_SIGNIFICANT_DIGITS,
  PROJECT_KEY,
  TEXT_MAX_LENGTH,
  TEXTAREA_MAX_LENGTH,
  TEXT_PROBLEM_MESSAGES,
  TEXT_PROBLEM_MESSAGES_MULTILINE,
  textProblem,
} from '../../shared/field-rules';
import { decimalsOf, type FieldDefinition, type FieldOption } from './field-definition';

/**
 * Field values: what a project stores per field, how input from the UI or the REST API becomes
 * that, and how it is rendered in webhook payloads (DESIGN.md section 4).
 *
 * Stored form per type (empty is `null`, or `[]` for multilist and multiuser):
 * - text: the text, trimmed, one line, at most 255 characters
 * - textarea: the text with its markup, as sent (indentation can be markup), at most 32,768 characters
 * - number: a JS number with at most the field's decimals and 15 significant digits, |n| <= 1e15
 * - date: `yyyy-mm-dd`, a real calendar date (years 0001 to 9999)
 * - duration: whole milliseconds, a non-negative safe integer
 * - list, status, priority: the option id
 * - multilist: option ids, without duplicates, in the definition's option order
 * - user: an Atlassian account id
 * - multiuser: account ids, without duplicates, in the order sent
 * - project: a Jira project key (upper case); multiproject: keys, without duplicates, in the order sent
 * - formula, updated, created, creator: nothing; the app works them out on read (computed-fields.ts)
 * Lengths count characters (code points), not UTF-16 units.
 */
export type StoredValue = string | number | null | string[] | number[];

/** A value in payload format: all strings, except null and arrays of strings. */
export type PayloadValue = string | null | string[];

export { TEXT_MAX_LENGTH, TEXTAREA_MAX_LENGTH, isCalendarDate };
/** Atlassian account ids are printable ASCII without spaces (e.g. `557058:f58131cb-...`). */
const ACCOUNT_ID = /^[\x21-\x7e]{1,128}$/;
const WHOLE_NUMBER = /^\d+$/;

export const FIELD_VALUE_ERROR_CODES = [
  'WRONG_TYPE',
  'TOO_LONG',
  'NOT_SINGLE_LINE',
  'OUT_OF_RANGE',
  'TOO_MANY_DECIMALS',
  'TOO_PRECISE',
  'NOT_WHOLE',
  'INVALID_DATE',
  'UNKNOWN_OPTION',
  'DISABLED_OPTION',
  'INVALID_ACCOUNT_ID',
  'TOO_MANY_VALUES',
  'INVALID_CHARACTERS',
  'INVALID_PROJECT_KEY',
  'UNKNOWN_PROJECT',
  'READ_ONLY',
] as const;
export type FieldValueErrorCode = (typeof FIELD_VALUE_ERROR_CODES)[number];

/** Why one input was refused; `message` names the field and what was wrong, ready for people. */
export interface FieldValueError {
  readonly fieldId: number;
  readonly fieldName: string;
  readonly code: FieldValueErrorCode;
  readonly message: string;
}

type Parsed = Result<StoredValue, FieldValueError>;
/** A refusal fits any `Result<_, FieldValueError>`, so helpers can share it. */
type Refusal = { readonly ok: false; readonly error: FieldValueError };

/** How a refused input is quoted in messages: strings quoted and shortened, other values named. */
export function describeInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  if (input === null) return 'null';
  if (input === undefined) return 'nothing';
  if (Array.isArray(input)) return 'a list';
  return typeof input === 'object' ? 'an object' : `a ${typeof input}`;
}

function refuse(definition: FieldDefinition, code: FieldValueErrorCode, problem: string): Refusal {
  return err({ fieldId: definition.id, fieldName: definition.name, code, message: `${definition.name}: ${problem}` });
}

function expected(definition: FieldDefinition, what: string, input: unknown): Refusal {
  return refuse(definition, 'WRONG_TYPE', `expected ${what}, got ${describeInput(input)}`);
}

const isBlank = (input: unknown): boolean => input === null || input === undefined || (typeof input === 'string' && input.trim() === '');

/**
 * Turns what a UI or REST client sends for one field into its stored form, or says why not.
 * Empty input (null, missing, blank text, an empty list) clears the field.
 *
 * `previous` is the value stored before this save: options disabled since it was saved may stay
 * on it (a multilist keeps its disabled options while others are added), but cannot be newly chosen.
 */
export function parseFieldInput(definition: FieldDefinition, input: unknown, previous?: StoredValue): Result<StoredValue, FieldValueError> {
  switch (definition.type) {
    case 'text':
      return parseText(definition, input);
    case 'textarea':
      return parseTextarea(definition, input);
    case 'number':
      return parseNumber(definition, input);
    case 'date':
      return parseDate(definition, input);
    case 'duration':
      return parseDuration(definition, input);
    case 'list':
    case 'status':
    case 'priority':
      return parseOption(definition, input, previous);
    case 'multilist':
      return parseOptions(definition, input, previous);
    case 'user':
      return parseUser(definition, input);
    case 'multiuser':
      return parseUsers(definition, input);
    case 'project':
      return parseProject(definition, input);
    case 'multiproject':
      return parseProjects(definition, input);
    case 'formula':
      return refuse(definition, 'READ_ONLY', 'is calculated from other fields by its formula and cannot be set');
    case 'updated':
    case 'created':
    case 'creator':
      return refuse(definition, 'READ_ONLY', 'is filled by the app and cannot be set');
  }
}

function parseText(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  if (typeof input !== 'string') return expected(definition, 'text', input);
  const text = input.trim();
  if (/[\r\n]/.test(text)) return refuse(definition, 'NOT_SINGLE_LINE', 'expected one line of text; use a textarea field for several lines');
  const problem = textProblem(text);
  if (problem) return refuse(definition, 'INVALID_CHARACTERS', `the text ${TEXT_PROBLEM_MESSAGES[problem]}`);
  const length = characterCount(text);
  if (length > TEXT_MAX_LENGTH) return refuse(definition, 'TOO_LONG', `at most ${TEXT_MAX_LENGTH} characters, got ${length}`);
  return ok(text);
}

function parseTextarea(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  if (typeof input !== 'string') return expected(definition, 'text', input);
  const length = characterCount(input);
  if (length > TEXTAREA_MAX_LENGTH) return refuse(definition, 'TOO_LONG', `at most ${TEXTAREA_MAX_LENGTH} characters, got ${length}`);
  // Line breaks and tabs are the text's own; other control characters are not.
  const problem = textProblem(input, { multiline: true });
  if (problem) return refuse(definition, 'INVALID_CHARACTERS', `the text ${TEXT_PROBLEM_MESSAGES_MULTILINE[problem]}`);
  return ok(input);
}

/**
 * Numbers arrive as JS numbers or as plain decimal text ("1234.5", no exponent, no grouping).
 * More decimals than the field has are refused rather than rounded: a save never changes what the
 * user typed without telling them. Decimals are counted on the text sent, trailing zeros ignored.
 */
function parseNumber(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return expected(definition, 'a number', input);
    text = toPlainDecimal(input);
  } else if (typeof input === 'string' && PLAIN_DECIMAL.test(input.trim())) {
    text = input.trim();
  } else {
    return expected(definition, 'a number', input);
  }
  const checked = checkNumberText(text, decimalsOf(definition));
  if (checked.ok) return ok(checked.value);
  switch (checked.problem) {
    case 'NOT_A_NUMBER':
      return expected(definition, 'a number', input);
    case 'OUT_OF_RANGE':
      return refuse(definition, 'OUT_OF_RANGE', `expected a number between -1e15 and 1e15, got ${describeInput(input)}`);
    case 'TOO_MANY_DECIMALS':
      return refuse(definition, 'TOO_MANY_DECIMALS', `expected ${decimalsAllowed(decimalsOf(definition))}, got ${describeInput(input)}`);
    case 'TOO_PRECISE':
      return refuse(definition, 'TOO_PRECISE', `at most ${NUMBER_MAX_SIGNIFICANT_DIGITS} significant digits can be stored exactly, got ${describeInput(input)}`);
  }
}

function parseDate(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  if (typeof input !== 'string') return expected(definition, 'a date as yyyy-mm-dd', input);
  const text = input.trim();
  if (!isIsoDateText(text)) return expected(definition, 'a date as yyyy-mm-dd', input);
  if (!isCalendarDate(text)) return refuse(definition, 'INVALID_DATE', `${describeInput(text)} is not a day in the calendar`);
  return ok(text);
}

/** Durations are whole milliseconds, as a number or as digits ("3600000"). */
function parseDuration(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  let value: number;
  if (typeof input === 'number' && Number.isFinite(input)) value = input;
  else if (typeof input === 'string' && WHOLE_NUMBER.test(input.trim())) value = Number(input.trim());
  else return expected(definition, 'a duration in milliseconds', input);
  if (!Number.isInteger(value)) return refuse(definition, 'NOT_WHOLE', `expected whole milliseconds, got ${describeInput(input)}`);
  if (value < 0 || value > Number.MAX_SAFE_INTEGER) return refuse(definition, 'OUT_OF_RANGE', `expected a duration between 0 and ${Number.MAX_SAFE_INTEGER} ms, got ${describeInput(input)}`);
  return ok(value + 0);
}

/**
 * An option is named by its id (a number), or by its exact name or else its value id (a string).
 * Digits in a string are a name or value id, never an id, so an option called "2024" cannot be
 * confused with option id 2024. A value id is never another option's name (field-definition.ts).
 */
function findOption(definition: FieldDefinition, input: unknown): Result<FieldOption, FieldValueError> {
  const options = definition.options ?? [];
  let option: FieldOption | undefined;
  if (typeof input === 'number') option = options.find((o) => o.id === input);
  else if (typeof input === 'string') option = options.find((o) => o.name === input.trim()) ?? options.find((o) => o.valueId !== undefined && o.valueId === input.trim());
  else return expected(definition, 'an option id or name', input);
  if (!option) {
    const names = options.filter((o) => o.enabled).map((o) => o.name);
    const choices = names.length > 0 ? `; choose one of ${names.map((n) => `"${n}"`).join(', ')}` : '; the field has no options yet';
    return refuse(definition, 'UNKNOWN_OPTION', `there is no option ${describeInput(input)}${choices}`);
  }
  return ok(option);
}

function disabled(definition: FieldDefinition, option: FieldOption): Refusal {
  return refuse(definition, 'DISABLED_OPTION', `option "${option.name}" is disabled and can no longer be chosen`);
}

function parseOption(definition: FieldDefinition, input: unknown, previous: StoredValue | undefined): Parsed {
  if (isBlank(input)) return ok(null);
  const found = findOption(definition, input);
  if (!found.ok) return found;
  const option = found.value;
  if (!option.enabled && previous !== option.id) return disabled(definition, option);
  return ok(option.id);
}

function parseOptions(definition: FieldDefinition, input: unknown, previous: StoredValue | undefined): Parsed {
  if (isBlank(input)) return ok([]);
  if (!Array.isArray(input)) return expected(definition, 'a list of option ids or names', input);
  const kept = new Set<unknown>(Array.isArray(previous) ? previous : []);
  const chosen = new Set<number>();
  for (const item of input) {
    const found = findOption(definition, item);
    if (!found.ok) return found;
    const option = found.value;
    if (!option.enabled && !kept.has(option.id)) return disabled(definition, option);
    chosen.add(option.id);
  }
  // Option order makes the stored value canonical: the same choice is always the same array.
  return ok((definition.options ?? []).filter((o) => chosen.has(o.id)).map((o) => o.id));
}

function parseAccountId(definition: FieldDefinition, input: unknown): Result<string, FieldValueError> {
  if (typeof input !== 'string') return expected(definition, 'an Atlassian account id', input);
  const accountId = input.trim();
  if (!ACCOUNT_ID.test(accountId)) return refuse(definition, 'INVALID_ACCOUNT_ID', `${describeInput(input)} is not an Atlassian account id`);
  return ok(accountId);
}

function parseUser(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  return parseAccountId(definition, input);
}

function parseUsers(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok([]);
  if (!Array.isArray(input)) return expected(definition, 'a list of Atlassian account ids', input);
  const accountIds = new Set<string>();
  for (const item of input) {
    const parsed = parseAccountId(definition, item);
    if (!parsed.ok) return parsed;
    accountIds.add(parsed.value);
  }
  if (accountIds.size > MULTIUSER_MAX_USERS) return refuse(definition, 'TOO_MANY_VALUES', `at most ${MULTIUSER_MAX_USERS} users, got ${accountIds.size}`);
  return ok([...accountIds]);
}

function parseProjectKey(definition: FieldDefinition, input: unknown): Result<string, FieldValueError> {
  if (typeof input !== 'string') return expected(definition, 'a Jira project key', input);
  const key = input.trim().toUpperCase();
  if (!PROJECT_KEY.test(key)) return refuse(definition, 'INVALID_PROJECT_KEY', `${describeInput(input)} is not a Jira project key`);
  return ok(key);
}

/** Project keys are checked here for their form; whether the saver can browse them is the save's check (project-fields.ts). */
function parseProject(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok(null);
  return parseProjectKey(definition, input);
}

function parseProjects(definition: FieldDefinition, input: unknown): Parsed {
  if (isBlank(input)) return ok([]);
  if (!Array.isArray(input)) return expected(definition, 'a list of Jira project keys', input);
  const keys = new Set<string>();
  for (const item of input) {
    const parsed = parseProjectKey(definition, item);
    if (!parsed.ok) return parsed;
    keys.add(parsed.value);
  }
  if (keys.size > MULTIPROJECT_MAX_PROJECTS) return refuse(definition, 'TOO_MANY_VALUES', `at most ${MULTIPROJECT_MAX_PROJECTS} projects, got ${keys.size}`);
  return ok([...keys]);
}

/** A project refused because the saver cannot browse it (or it does not exist: the two look the same). */
export function unknownProject(definition: FieldDefinition, key: string): FieldValueError {
  return { fieldId: definition.id, fieldName: definition.name, code: 'UNKNOWN_PROJECT', message: `${definition.name}: there is no project ${key} that you can browse` };
}

/** The project keys a stored value holds (none for other types). */
export function projectKeysOf(definition: FieldDefinition, stored: StoredValue | undefined): string[] {
  if (definition.type === 'project') return typeof stored === 'string' && stored !== '' ? [stored] : [];
  if (definition.type === 'multiproject') return Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : [];
  return [];
}

/**
 * The value as webhook payloads carry it (DESIGN.md section 4). Formatting never fails: a stored
 * value that no longer fits its definition renders as empty, so one odd value cannot stop an
 * event. In particular an option deleted after it was stored renders as `null` and is left out of
 * multilist arrays. Multilist names follow the definition's option order; multiuser ids the
 * stored order. A missing value (`undefined`) is empty.
 */
export function formatPayloadValue(definition: FieldDefinition, stored: StoredValue | undefined): PayloadValue {
  switch (definition.type) {
    case 'text':
    case 'textarea':
    case 'user':
      return typeof stored === 'string' && stored !== '' ? stored : null;
    case 'number':
      return typeof stored === 'number' && Number.isFinite(stored) ? formatFixedDecimals(stored, decimalsOf(definition)) : null;
    case 'date':
      return typeof stored === 'string' && isCalendarDate(stored) ? stored : null;
    case 'duration':
      return typeof stored === 'number' && Number.isSafeInteger(stored) && stored >= 0 ? String(stored) : null;
    case 'list':
    case 'status':
    case 'priority':
      return (definition.options ?? []).find((o) => o.id === stored)?.name ?? null;
    case 'multilist': {
      const ids = new Set<unknown>(Array.isArray(stored) ? stored : []);
      return (definition.options ?? []).filter((o) => ids.has(o.id)).map((o) => o.name);
    }
    case 'multiuser':
    case 'multiproject':
      return Array.isArray(stored) ? [...new Set<unknown>(stored)].filter((id): id is string => typeof id === 'string' && id !== '') : [];
    case 'project':
      return typeof stored === 'string' && stored !== '' ? stored : null;
    // Worked out on read, already in payload format (computed-fields.ts); never part of a webhook.
    case 'formula':
    case 'updated':
    case 'created':
    case 'creator':
      return typeof stored === 'string' && stored !== '' ? stored : null;
  }
}
