import { isComputedFieldType } from '../../src/shared/field-types';
import type { FieldDefinitionDto, FieldValueDto } from '../../src/shared/resolver-contract';
import { numberToInput, formatDuration, parseDate, parseDuration, parseNumber, parseText, parseTextarea, sameValue, type Parsed } from '../common/values';

/**
 * What an editor holds while someone edits a field, per kind of editor. Typed values (text,
 * numbers, dates, durations) are kept as the text typed, so a half-typed number is not lost;
 * choices are kept as the ids chosen.
 */
export type Draft =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'option'; readonly id: number | null }
  | { readonly kind: 'options'; readonly ids: readonly number[] }
  | { readonly kind: 'user'; readonly accountId: string | null }
  | { readonly kind: 'users'; readonly accountIds: readonly string[] }
  | { readonly kind: 'projects'; readonly keys: readonly string[] };

const asString = (value: FieldValueDto | undefined): string | null => (typeof value === 'string' && value !== '' ? value : null);
const asNumber = (value: FieldValueDto | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const asArray = (value: FieldValueDto | undefined): readonly unknown[] => (Array.isArray(value) ? value : []);

/** The stored value as the editors would produce it: the baseline a draft is compared with. */
export function storedValue(field: FieldDefinitionDto, value: FieldValueDto | undefined): FieldValueDto {
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'date':
    case 'user':
      return asString(value);
    case 'number':
    case 'duration':
      return asNumber(value);
    case 'list':
    case 'status':
    case 'priority':
      return asNumber(value);
    case 'multilist': {
      const ids = new Set(asArray(value));
      return (field.options ?? []).filter((o) => ids.has(o.id)).map((o) => o.id);
    }
    case 'multiuser':
    case 'multiproject':
      return asArray(value).filter((id): id is string => typeof id === 'string');
    case 'project':
    case 'formula':
    case 'updated':
    case 'created':
    case 'creator':
      return asString(value);
  }
}

export function initialDraft(field: FieldDefinitionDto, value: FieldValueDto | undefined): Draft {
  const stored = storedValue(field, value);
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'date':
      return { kind: 'text', text: typeof stored === 'string' ? stored : '' };
    case 'number':
      return { kind: 'text', text: typeof stored === 'number' ? numberToInput(stored, field.decimals ?? 0) : '' };
    case 'duration':
      return { kind: 'text', text: typeof stored === 'number' ? formatDuration(stored) : '' };
    case 'list':
    case 'status':
    case 'priority':
      return { kind: 'option', id: typeof stored === 'number' ? stored : null };
    case 'multilist':
      return { kind: 'options', ids: Array.isArray(stored) ? (stored as number[]) : [] };
    case 'user':
      return { kind: 'user', accountId: typeof stored === 'string' ? stored : null };
    case 'multiuser':
      return { kind: 'users', accountIds: Array.isArray(stored) ? (stored as string[]) : [] };
    case 'project':
    case 'multiproject':
      return { kind: 'projects', keys: Array.isArray(stored) ? (stored as string[]) : typeof stored === 'string' ? [stored] : [] };
    // Computed fields are never edited; the draft only mirrors the value shown.
    case 'formula':
    case 'updated':
    case 'created':
    case 'creator':
      return { kind: 'text', text: typeof stored === 'string' ? stored : '' };
  }
}

const text = (draft: Draft): string => (draft.kind === 'text' ? draft.text : '');

/** The value a draft stands for, or what is wrong with it. */
export function parseDraft(field: FieldDefinitionDto, draft: Draft): Parsed<FieldValueDto> {
  switch (field.type) {
    case 'text':
      return parseText(text(draft));
    case 'textarea':
      return parseTextarea(text(draft));
    case 'number':
      return parseNumber(text(draft), field.decimals ?? 0);
    case 'date':
      return parseDate(text(draft));
    case 'duration':
      return parseDuration(text(draft));
    case 'list':
    case 'status':
    case 'priority':
      return { ok: true, value: draft.kind === 'option' ? draft.id : null };
    case 'multilist': {
      // The option order of the definition, as the backend stores it: the same choice is one value.
      const ids = new Set(draft.kind === 'options' ? draft.ids : []);
      return { ok: true, value: (field.options ?? []).filter((o) => ids.has(o.id)).map((o) => o.id) };
    }
    case 'user':
      return { ok: true, value: draft.kind === 'user' ? draft.accountId : null };
    case 'multiuser':
      return { ok: true, value: draft.kind === 'users' ? [...new Set(draft.accountIds)] : [] };
    case 'project':
      return { ok: true, value: draft.kind === 'projects' ? (draft.keys[0] ?? null) : null };
    case 'multiproject':
      return { ok: true, value: draft.kind === 'projects' ? [...new Set(draft.keys)] : [] };
    case 'formula':
    case 'updated':
    case 'created':
    case 'creator':
      return { ok: true, value: text(draft) || null };
  }
}

function sameDraft(a: Draft, b: Draft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A field counts as changed when its draft stands for another value than the stored one, or when
 * it cannot be read at all (then the save stops and says why). Typing "23" into a field holding
 * 23.000 is no change; neither is an untouched field whose stored value no longer fits its
 * definition (say, more decimals than the field now has): only edits are saved.
 */
export function isChanged(field: FieldDefinitionDto, stored: FieldValueDto | undefined, draft: Draft): boolean {
  // Formulas and automatic fields are the app's to work out: never part of a save.
  if (isComputedFieldType(field.type)) return false;
  if (sameDraft(draft, initialDraft(field, stored))) return false;
  const parsed = parseDraft(field, draft);
  if (!parsed.ok) return true;
  return !sameValue(parsed.value, storedValue(field, stored));
}

export interface SavePlan {
  /** The changed values, keyed by field id: what `saveProjectFields` is sent. */
  readonly values: Readonly<Record<string, FieldValueDto>>;
  /** Problems of changed fields, keyed by field id; nothing is sent while there are any. */
  readonly errors: Readonly<Record<string, string>>;
}

export function planSave(fields: readonly FieldDefinitionDto[], stored: Readonly<Record<string, FieldValueDto>>, drafts: Readonly<Record<string, Draft>>): SavePlan {
  const values: Record<string, FieldValueDto> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const key = String(field.id);
    const draft = drafts[key];
    if (!draft || !isChanged(field, stored[key], draft)) continue;
    const parsed = parseDraft(field, draft);
    if (parsed.ok) values[key] = parsed.value;
    else errors[key] = parsed.message;
  }
  return { values, errors };
}

/**
 * After someone else saved: keeps the drafts of fields whose stored value they did not change,
 * and drops those they did (their value wins; the user is told which).
 */
export function rebaseDrafts(
  fields: readonly FieldDefinitionDto[],
  before: Readonly<Record<string, FieldValueDto>>,
  after: Readonly<Record<string, FieldValueDto>>,
  drafts: Readonly<Record<string, Draft>>,
): { readonly drafts: Record<string, Draft>; readonly kept: string[]; readonly dropped: string[] } {
  const next: Record<string, Draft> = {};
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const field of fields) {
    const key = String(field.id);
    const draft = drafts[key];
    const theirs = after[key];
    if (draft && isChanged(field, before[key], draft)) {
      if (sameValue(storedValue(field, before[key]), storedValue(field, theirs))) {
        next[key] = draft;
        kept.push(field.name);
        continue;
      }
      dropped.push(field.name);
    }
    next[key] = initialDraft(field, theirs);
  }
  return { drafts: next, kept, dropped };
}

/**
 * The field messages after `field` was checked: its message replaced by the draft's problem, or
 * removed when the draft reads well (or is no change at all: `unchanged`).
 */
export function checkedErrors(errors: Readonly<Record<string, string>>, field: FieldDefinitionDto, draft: Draft, unchanged = false): Readonly<Record<string, string>> {
  const key = String(field.id);
  const parsed = unchanged ? ({ ok: true } as const) : parseDraft(field, draft);
  if (parsed.ok && errors[key] === undefined) return errors;
  const next = { ...errors };
  if (parsed.ok) delete next[key];
  else next[key] = parsed.message;
  return next;
}
