/** The field types of the catalog: the bottom of src/shared, imported by the contracts and the rules. */
export const FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'date',
  'duration',
  'list',
  'multilist',
  'status',
  'priority',
  'user',
  'multiuser',
] as const;
export type FieldTypeId = (typeof FIELD_TYPES)[number];
