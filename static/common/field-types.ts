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
};

export const FIELD_TYPE_HINTS: Readonly<Record<FieldTypeId, string>> = {
  text: 'One line, up to 255 characters.',
  textarea: 'Several lines; markup is kept as typed.',
  number: 'A number with a fixed number of decimals (0 to 6).',
  date: 'A calendar day.',
  duration: 'A length of time, such as 2h 30m.',
  list: 'One option from a list you define.',
  multilist: 'Any number of options from a list you define.',
  status: 'One status, such as On track or At risk.',
  priority: 'One priority, such as High or Low.',
  user: 'One person on the site.',
  multiuser: 'Any number of people on the site.',
};

const OPTION_TYPES: readonly FieldTypeId[] = ['list', 'multilist', 'status', 'priority'];

/** The types whose values are chosen from options the admin defines. */
export function hasOptions(type: FieldTypeId): boolean {
  return OPTION_TYPES.includes(type);
}
