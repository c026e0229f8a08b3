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
  'project',
  'multiproject',
  'formula',
  'updated',
  'created',
  'creator',
] as const;
export type FieldTypeId = (typeof FIELD_TYPES)[number];

/**
 * Types whose values the app works out instead of people typing them: formulas (from other
 * fields) and the automatic fields (Updated, Created date, Creator). Never stored, never set by a
 * save, never a cause of a webhook nor part of its `fields`.
 */
export const COMPUTED_FIELD_TYPES = ['formula', 'updated', 'created', 'creator'] as const satisfies readonly FieldTypeId[];
export type ComputedFieldType = (typeof COMPUTED_FIELD_TYPES)[number];

export function isComputedFieldType(type: FieldTypeId): type is ComputedFieldType {
  return (COMPUTED_FIELD_TYPES as readonly FieldTypeId[]).includes(type);
}
