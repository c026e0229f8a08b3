import type { CreateFieldInput, FieldDefinitionDto, FieldTypeId, UpdateFieldInput } from '../../../src/shared/resolver-contract';
import { hasOptions, isComputed } from '../../common/field-types';
import { NAMED_COLOURS } from '../../common/colours';
import {
  AFFIX_MAX_LENGTH,
  characterCount as length,
  DESCRIPTION_MAX_LENGTH,
  FIELD_NAME_MAX_LENGTH,
  MAX_DECIMALS,
  MAX_OPTIONS_PER_FIELD,
  nameProblem,
  OPTION_NAME_MAX_LENGTH,
  OPTION_VALUE_ID,
  OPTION_VALUE_ID_RULE,
  TEXT_PROBLEM_MESSAGES_MULTILINE,
  textProblem,
} from '../../../src/shared/field-rules';
import { parseFormula } from '../../../src/shared/field-formula';
import type { FieldAccess, FieldAudience } from '../../../src/shared/field-access';
import { DEFAULT_FIELD_ACCESS, FIELD_AUDIENCE_LIMITS, isDefaultFieldAccess, NOBODY } from '../../../src/shared/field-audience-words';

/**
 * The create/edit form of a field definition as plain data: its state, its checks (the backend's
 * obvious rules, for instant feedback) and the resolver input it becomes. The backend checks again.
 */

export interface OptionDraft {
  /** Stable React key; not sent. */
  readonly key: string;
  /** Present for options the backend already has; new ones get their id from the backend. */
  readonly id?: number;
  readonly name: string;
  readonly colour: string;
  readonly enabled: boolean;
  /** The option's value id, when the admin sets one apart from its name; empty: none. */
  readonly valueId: string;
}

export interface FieldFormState {
  readonly name: string;
  readonly type: FieldTypeId | null;
  readonly description: string;
  readonly decimals: number;
  readonly options: readonly OptionDraft[];
  /** Number and formula fields: shown around the value on the page, never sent. */
  readonly prefix: string;
  readonly suffix: string;
  /** Formula fields: the expression, other fields named in braces. */
  readonly expression: string;
  /**
   * Who sees and who edits the values. While "everyone who can browse the project" is chosen, the
   * other picks of that audience are kept (going back to a chosen audience finds them) but not sent.
   */
  readonly access: FieldAccess;
}

export interface FieldFormErrors {
  readonly name?: string;
  readonly type?: string;
  readonly description?: string;
  readonly decimals?: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly expression?: string;
  /** About the option list as a whole. */
  readonly options?: string;
  /** Per option, by its key. */
  readonly optionNames?: Readonly<Record<string, string>>;
  /** Per option, by its key. */
  readonly optionValueIds?: Readonly<Record<string, string>>;
  /** About who can see values, and who can edit them. */
  readonly view?: string;
  readonly edit?: string;
}

let keySequence = 0;
export function newOptionKey(): string {
  keySequence += 1;
  return `option-${keySequence}`;
}

/** The option lists a new status or priority field starts with; every one can be changed. */
const STARTER_OPTIONS: Partial<Record<FieldTypeId, readonly (readonly [string, string])[]>> = {
  status: [
    ['On track', 'green'],
    ['At risk', 'yellow'],
    ['Off track', 'red'],
    ['Done', 'blue'],
  ],
  priority: [
    ['Highest', 'red'],
    ['High', 'orange'],
    ['Medium', 'yellow'],
    ['Low', 'blue'],
    ['Lowest', 'grey'],
  ],
};

export function emptyForm(): FieldFormState {
  return { name: '', type: null, description: '', decimals: 0, options: [], prefix: '', suffix: '', expression: '', access: DEFAULT_FIELD_ACCESS };
}

export function formFromField(field: FieldDefinitionDto): FieldFormState {
  return {
    name: field.name,
    type: field.type,
    description: field.description ?? '',
    decimals: field.decimals ?? 0,
    options: (field.options ?? []).map((o) => ({ key: newOptionKey(), id: o.id, name: o.name, colour: o.colour, enabled: o.enabled, valueId: o.valueId ?? '' })),
    prefix: field.prefix ?? '',
    suffix: field.suffix ?? '',
    expression: field.expression ?? '',
    access: field.access ?? DEFAULT_FIELD_ACCESS,
  };
}

// ---------------------------------------------------------------- who sees and edits values

export type AudienceKey = keyof FieldAccess;

/** Everyone who can browse the project, or the chosen people. */
export function setAudienceEveryone(state: FieldFormState, which: AudienceKey, everyone: boolean): FieldFormState {
  const current = state.access[which];
  const next: FieldAudience = { ...current, everyone };
  // Choosing people for the first time starts from the project's administrators, as Jira's defaults do.
  const nothingChosen = !current.projectAdmins && current.roles.length === 0 && current.groups.length === 0 && current.users.length === 0;
  return { ...state, access: { ...state.access, [which]: !everyone && nothingChosen ? { ...next, projectAdmins: true } : next } };
}

export function updateAudience(state: FieldFormState, which: AudienceKey, change: Partial<Omit<FieldAudience, 'everyone'>>): FieldFormState {
  return { ...state, access: { ...state.access, [which]: { ...state.access[which], ...change } } };
}

/** The audience as sent: everyone alone, or the chosen people. */
export function audienceInput(audience: FieldAudience): FieldAudience {
  return audience.everyone ? { ...NOBODY, everyone: true } : { ...audience, everyone: false };
}

/**
 * What is sent as the field's rules. Formulas and automatic fields are never edited by anyone, so
 * their edit rule stays the default one.
 */
export function accessInput(state: FieldFormState, type: FieldTypeId): FieldAccess {
  return { view: audienceInput(state.access.view), edit: isComputed(type) ? DEFAULT_FIELD_ACCESS.edit : audienceInput(state.access.edit) };
}

/**
 * Editors the chosen viewers do not name: they edit only if some other rule lets them see the
 * values (an editor must be a viewer). Answers their descriptions, such as "role Developers"; empty
 * when every editor is among the viewers as written.
 */
export function editorsNotAmongViewers(access: FieldAccess): string[] {
  const view = audienceInput(access.view);
  const edit = audienceInput(access.edit);
  if (view.everyone) return [];
  if (edit.everyone) return ['everyone who can browse the project'];
  return [
    ...(edit.projectAdmins && !view.projectAdmins ? ['project administrators'] : []),
    ...edit.roles.filter((r) => !view.roles.some((v) => v.id === r.id)).map((r) => `role ${r.name}`),
    ...edit.groups.filter((g) => !view.groups.some((v) => v.id === g.id)).map((g) => `group ${g.name}`),
    ...(() => {
      const people = edit.users.filter((u) => !view.users.includes(u)).length;
      return people === 0 ? [] : [people === 1 ? '1 person' : `${people} people`];
    })(),
  ];
}

function audienceProblem(audience: FieldAudience): string | undefined {
  if (audience.everyone) return undefined;
  if (audience.roles.length > FIELD_AUDIENCE_LIMITS.roles) return `Choose at most ${FIELD_AUDIENCE_LIMITS.roles} roles (${audience.roles.length} now).`;
  if (audience.groups.length > FIELD_AUDIENCE_LIMITS.groups) return `Choose at most ${FIELD_AUDIENCE_LIMITS.groups} groups (${audience.groups.length} now).`;
  if (audience.users.length > FIELD_AUDIENCE_LIMITS.users) return `Choose at most ${FIELD_AUDIENCE_LIMITS.users} people (${audience.users.length} now).`;
  return undefined;
}

/** Choosing a type on a new field: option types get a starter list when none was typed yet. */
export function withType(state: FieldFormState, type: FieldTypeId): FieldFormState {
  const untouched = state.options.every((o) => o.name.trim() === '');
  const starter = STARTER_OPTIONS[type];
  const options = hasOptions(type) && untouched && starter ? starter.map(([name, colour]) => ({ key: newOptionKey(), name, colour, enabled: true, valueId: '' })) : state.options;
  return { ...state, type, options };
}

/** A new option row, in the next colour of the palette so neighbours differ. */
export function addOption(state: FieldFormState): FieldFormState {
  const colour = NAMED_COLOURS[(state.options.length + 1) % NAMED_COLOURS.length] ?? 'grey';
  return { ...state, options: [...state.options, { key: newOptionKey(), name: '', colour, enabled: true, valueId: '' }] };
}

export function updateOption(state: FieldFormState, key: string, change: Partial<Omit<OptionDraft, 'key' | 'id'>>): FieldFormState {
  return { ...state, options: state.options.map((o) => (o.key === key ? { ...o, ...change } : o)) };
}

/** Only options not saved yet can be removed; saved ones are disabled instead (values keep them). */
export function removeOption(state: FieldFormState, key: string): FieldFormState {
  return { ...state, options: state.options.filter((o) => o.key !== key || o.id !== undefined) };
}

export function moveOption(state: FieldFormState, key: string, by: -1 | 1): FieldFormState {
  const index = state.options.findIndex((o) => o.key === key);
  const target = index + by;
  if (index < 0 || target < 0 || target >= state.options.length) return state;
  const options = [...state.options];
  const [moved] = options.splice(index, 1);
  if (moved) options.splice(target, 0, moved);
  return { ...state, options };
}

/**
 * Checks the form; `otherNames` are the names of the other fields (names are unique, whatever
 * their case). Answers no errors at all when the form can be sent.
 */
export function validateForm(state: FieldFormState, otherNames: readonly string[]): FieldFormErrors {
  const errors: { -readonly [K in keyof FieldFormErrors]: FieldFormErrors[K] } = {};
  const name = state.name.trim();
  if (name === '') errors.name = 'Give the field a name.';
  else if (length(name) > FIELD_NAME_MAX_LENGTH) errors.name = `Use at most ${FIELD_NAME_MAX_LENGTH} characters (${length(name)} now).`;
  else if (nameProblem(name, { reserved: true })) errors.name = sentence(nameProblem(name, { reserved: true }) ?? '');
  else if (otherNames.some((other) => other.trim().toLowerCase() === name.toLowerCase())) errors.name = `A field named "${name}" already exists. Field names must be unique.`;

  if (state.type === null) errors.type = 'Choose a type.';
  if (length(state.description.trim()) > DESCRIPTION_MAX_LENGTH) errors.description = `Use at most ${DESCRIPTION_MAX_LENGTH} characters (${length(state.description.trim())} now).`;
  else if (textProblem(state.description, { multiline: true })) errors.description = `The description ${TEXT_PROBLEM_MESSAGES_MULTILINE[textProblem(state.description, { multiline: true }) ?? 'CONTROL_CHARACTER']}.`;
  const numeric = state.type === 'number' || state.type === 'formula';
  if (numeric && (!Number.isInteger(state.decimals) || state.decimals < 0 || state.decimals > MAX_DECIMALS)) {
    errors.decimals = `Choose 0 to ${MAX_DECIMALS} decimals.`;
  }
  if (numeric) {
    for (const affix of ['prefix', 'suffix'] as const) {
      const text = state[affix].trim();
      if (length(text) > AFFIX_MAX_LENGTH) errors[affix] = `Use at most ${AFFIX_MAX_LENGTH} characters (${length(text)} now).`;
      else if (nameProblem(text)) errors[affix] = sentence((nameProblem(text) ?? '').replace(/^name/, affix));
    }
  }
  if (state.type === 'formula') {
    const parsed = parseFormula(state.expression);
    if (!parsed.ok) errors.expression = sentence(parsed.message);
  }

  if (state.type !== null && hasOptions(state.type)) {
    if (state.options.length === 0) errors.options = 'Add at least one option.';
    else if (state.options.length > MAX_OPTIONS_PER_FIELD) errors.options = `A field can have at most ${MAX_OPTIONS_PER_FIELD} options.`;
    else if (!state.options.some((o) => o.enabled)) errors.options = 'Keep at least one option enabled, or people cannot choose anything.';
    const optionNames: Record<string, string> = {};
    const seen = new Set<string>();
    for (const option of state.options) {
      const optionName = option.name.trim();
      if (optionName === '') optionNames[option.key] = 'Give the option a name.';
      else if (length(optionName) > OPTION_NAME_MAX_LENGTH) optionNames[option.key] = `Use at most ${OPTION_NAME_MAX_LENGTH} characters.`;
      else if (nameProblem(optionName)) optionNames[option.key] = sentence(`option ${nameProblem(optionName) ?? ''}`);
      else if (seen.has(optionName.toLowerCase())) optionNames[option.key] = `"${optionName}" is already an option.`;
      seen.add(optionName.toLowerCase());
    }
    if (Object.keys(optionNames).length > 0) errors.optionNames = optionNames;
    const optionValueIds: Record<string, string> = {};
    const seenValueIds = new Set<string>();
    for (const option of state.options) {
      const valueId = option.valueId.trim();
      if (valueId === '') continue;
      if (!OPTION_VALUE_ID.test(valueId)) optionValueIds[option.key] = sentence(`a value id is ${OPTION_VALUE_ID_RULE}`);
      else if (seenValueIds.has(valueId.toLowerCase())) optionValueIds[option.key] = `"${valueId}" is already a value id.`;
      else if (state.options.some((other) => other !== option && other.name.trim().toLowerCase() === valueId.toLowerCase())) optionValueIds[option.key] = `"${valueId}" is the name of another option.`;
      seenValueIds.add(valueId.toLowerCase());
    }
    if (Object.keys(optionValueIds).length > 0) errors.optionValueIds = optionValueIds;
  }
  const viewProblem = audienceProblem(state.access.view);
  if (viewProblem) errors.view = viewProblem;
  const editProblem = state.type !== null && isComputed(state.type) ? undefined : audienceProblem(state.access.edit);
  if (editProblem) errors.edit = editProblem;
  return errors;
}

export function hasErrors(errors: FieldFormErrors): boolean {
  return Object.keys(errors).length > 0;
}

function optionInputs(state: FieldFormState) {
  return state.options.map((o) => ({ ...(o.id !== undefined ? { id: o.id } : {}), name: o.name.trim(), colour: o.colour, enabled: o.enabled, ...(o.valueId.trim() ? { valueId: o.valueId.trim() } : {}) }));
}

const isNumeric = (type: FieldTypeId) => type === 'number' || type === 'formula';

export function toCreateInput(state: FieldFormState): CreateFieldInput {
  if (state.type === null) throw new Error('toCreateInput: the form has no type; validate it first');
  const description = state.description.trim();
  return {
    name: state.name.trim(),
    type: state.type,
    ...(description !== '' ? { description } : {}),
    ...(hasOptions(state.type) ? { options: optionInputs(state) } : {}),
    ...(isNumeric(state.type) ? { decimals: state.decimals } : {}),
    ...(isNumeric(state.type) && state.prefix.trim() ? { prefix: state.prefix.trim() } : {}),
    ...(isNumeric(state.type) && state.suffix.trim() ? { suffix: state.suffix.trim() } : {}),
    ...(state.type === 'formula' ? { expression: state.expression.trim() } : {}),
    // Untouched rules are the default, which the backend assumes when none are sent.
    ...(isDefaultFieldAccess(accessInput(state, state.type)) ? {} : { access: accessInput(state, state.type) }),
  };
}

/** The type never changes; an empty description clears it. */
export function toUpdateInput(field: FieldDefinitionDto, state: FieldFormState): UpdateFieldInput {
  return {
    id: field.id,
    name: state.name.trim(),
    description: state.description.trim(),
    ...(hasOptions(field.type) ? { options: optionInputs(state) } : {}),
    // An empty prefix or suffix clears it.
    ...(isNumeric(field.type) ? { decimals: state.decimals, prefix: state.prefix.trim(), suffix: state.suffix.trim() } : {}),
    ...(field.type === 'formula' ? { expression: state.expression.trim() } : {}),
    // Always sent: going back to the default clears the field's rules.
    access: accessInput(state, field.type),
  };
}

/** A rule's text from src/shared/field-rules.ts as a sentence ("name must not …" -> "Name must not ….") */
const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
