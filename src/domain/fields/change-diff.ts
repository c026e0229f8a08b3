import { isComputedFieldType } from '../../shared/field-types';
import type { FieldDefinition, FieldType } from './field-definition';
import { formatPayloadValue, type PayloadValue, type StoredValue } from './field-values';

/** One changed field, its values in payload format: an entry of the webhook's `fields`. */
export interface FieldChange {
  readonly id: number;
  readonly name: string;
  readonly type: FieldType;
  readonly value: { readonly current: PayloadValue; readonly previous: PayloadValue };
}

/** Arrays are compared as sets: the same users or options in another order are no change. */
function samePayloadValue(a: PayloadValue, b: PayloadValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = new Set(a);
    const right = new Set(b);
    return left.size === right.size && [...left].every((item) => right.has(item));
  }
  return a === b;
}

/**
 * The fields whose value really changed between two saves, in payload format, ordered by field id.
 * Values are compared as they would be sent, so anything a receiver could not tell apart is no
 * change: a missing value and `null` or `[]`, 23 and 23.0004 on a 3-decimal field, a deleted option
 * and empty. Values of fields without a definition (deleted fields) are ignored, and so are
 * computed fields (formulas, Updated, Created date, Creator): they never cause a webhook nor
 * appear in one, even when a value for them was handed in.
 * An empty answer means the save emits no event.
 */
export function diffFieldValues(
  definitions: readonly FieldDefinition[],
  before: Readonly<Record<string, StoredValue | undefined>>,
  after: Readonly<Record<string, StoredValue | undefined>>,
): FieldChange[] {
  return [...definitions]
    .filter((definition) => !isComputedFieldType(definition.type))
    .sort((a, b) => a.id - b.id)
    .flatMap((definition): FieldChange[] => {
      const key = String(definition.id);
      const previous = formatPayloadValue(definition, before[key]);
      const current = formatPayloadValue(definition, after[key]);
      if (samePayloadValue(current, previous)) return [];
      return [{ id: definition.id, name: definition.name, type: definition.type, value: { current, previous } }];
    });
}
