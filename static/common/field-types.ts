import { isComputedFieldType, isOptionFieldType, MAX_DECIMALS, TEXT_MAX_LENGTH } from '../../src/shared/field-rules';
import { FIELD_TYPES, type FieldTypeId } from '../../src/shared/resolver-contract';

export { FIELD_TYPES };

/** How each field type is named for people, in the admin pages and in messages. */
export const FIELD_TYPE_LABELS: Readonly<Record<FieldTypeId, string>> = {
  text: 'Text (one line)',
  textarea: 'Paragraph',
  number: 'Number',
  date: 'Date',
  duration: 'Duration',
  list: 'List (pick one)',
  multilist: 'Multi-list (pick several)',
  status: 'Status',
  priority: 'Priority',
  user: 'User',
  multiuser: 'Users (several)',
  project: 'Related project',
  multiproject: 'Related projects (several)',
  formula: 'Formula',
  updated: 'Updated (automatic)',
  created: 'Created date (automatic)',
  creator: 'Creator (automatic)',
};

export const FIELD_TYPE_HINTS: Readonly<Record<FieldTypeId, string>> = {
  text: `One line, up to ${TEXT_MAX_LENGTH} characters.`,
  textarea: 'Several lines; markup is kept as typed.',
  number: `A number with a fixed number of decimals (0 to ${MAX_DECIMALS}).`,
  date: 'A calendar day.',
  duration: 'A length of time, such as 2h 30m.',
  list: 'One option from a list you define.',
  multilist: 'Any number of options from a list you define.',
  status: 'One status, such as On track or At risk.',
  priority: 'One priority, such as High or Low.',
  user: 'One person on the site.',
  multiuser: 'Any number of people on the site.',
  project: 'One Jira project, such as a dependency; people choose among the projects they can browse.',
  multiproject: 'Any number of Jira projects, such as dependencies or risks.',
  formula: 'Calculated from number, date, duration and other formula fields; read-only, and never sent to webhooks.',
  updated: 'The date of the last save of the project\'s fields; filled by the app, never sent to webhooks.',
  created: 'The date the project came to Projectrak (the app\'s install); filled by the app.',
  creator: 'Who brought the project to Projectrak (the app\'s installer); filled by the app.',
};

/** The types whose values are chosen from options the admin defines. */
export const hasOptions = isOptionFieldType;

/** The types whose values the app works out (formulas, automatic fields): always read-only. */
export const isComputed = isComputedFieldType;

/**
 * The fields a webhook's field filter offers: those whose changes are sent. Formulas and the
 * automatic fields never cause a request, so a webhook limited to them would get nothing.
 */
export function fieldsThatSend<F extends { readonly type: FieldTypeId }>(fields: readonly F[]): F[] {
  return fields.filter((f) => !isComputedFieldType(f.type));
}
