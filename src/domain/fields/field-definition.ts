import { z } from 'zod';
import {
  DESCRIPTION_MAX_LENGTH,
  FIELD_NAME_MAX_LENGTH,
  isOptionColour,
  isOptionFieldType,
  MAX_DECIMALS,
  MAX_OPTIONS_PER_FIELD,
  NAMED_OPTION_COLOURS,
  OPTION_FIELD_TYPES,
  OPTION_NAME_MAX_LENGTH,
  type NamedOptionColour,
  type OptionFieldType,
} from '../../shared/field-rules';
import { FIELD_TYPES } from '../../shared/resolver-contract';
import { cleanMultilineText, cleanName } from '../../shared/text-schema';

/**
 * A project field as an admin defines it (DESIGN.md section 4). The catalog stores these; values
 * are checked against them (`field-values.ts`) and rendered in payloads by them.
 */

/** The type ids, exactly as they appear in webhook payloads (`fields[].type`); one list, shared with the UI. */
export { FIELD_TYPES };
export type FieldType = (typeof FIELD_TYPES)[number];

export { OPTION_FIELD_TYPES, isOptionFieldType, NAMED_OPTION_COLOURS, type OptionFieldType, type NamedOptionColour };

const positiveId = z.number().int().positive();

export const optionColourSchema = z.string().refine(isOptionColour, {
  message: `colour must be one of ${NAMED_OPTION_COLOURS.join(', ')} or a hex colour such as #1f845a`,
});

export const fieldOptionSchema = z.strictObject({
  id: positiveId,
  name: cleanName(z.string().trim().min(1, 'option name is required').max(OPTION_NAME_MAX_LENGTH), 'option name'),
  colour: optionColourSchema,
  /** Disabled options stay on values that hold them but cannot be chosen any more. */
  enabled: z.boolean(),
});
export type FieldOption = z.infer<typeof fieldOptionSchema>;

/**
 * One flat shape for every type (rather than a union per type) so code that does not care about
 * the type can read `options` and `decimals` directly; the refinement keeps the shape consistent.
 */
export const fieldDefinitionSchema = z
  .strictObject({
    id: positiveId,
    name: cleanName(z.string().trim().min(1, 'name is required').max(FIELD_NAME_MAX_LENGTH), 'name', { reserved: true }),
    type: z.enum(FIELD_TYPES),
    description: cleanMultilineText(z.string().trim().max(DESCRIPTION_MAX_LENGTH), 'description').optional(),
    options: z.array(fieldOptionSchema).max(MAX_OPTIONS_PER_FIELD).optional(),
    /** Number fields only; a number field without it has 0 decimals. */
    decimals: z.number().int().min(0).max(MAX_DECIMALS).optional(),
  })
  .superRefine((definition, ctx) => {
    if (definition.options !== undefined && !isOptionFieldType(definition.type)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${definition.type} field has no options; only ${OPTION_FIELD_TYPES.join(', ')} fields do` });
    }
    if (definition.decimals !== undefined && definition.type !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['decimals'], message: `a ${definition.type} field has no decimals; only number fields do` });
    }
    const seenIds = new Set<number>();
    // Names are unique regardless of case: "Done" and "done" would read as the same option.
    const seenNames = new Set<string>();
    (definition.options ?? []).forEach((option, index) => {
      if (seenIds.has(option.id)) ctx.addIssue({ code: 'custom', path: ['options', index, 'id'], message: `option id ${option.id} is used twice` });
      seenIds.add(option.id);
      const name = option.name.toLowerCase();
      if (seenNames.has(name)) ctx.addIssue({ code: 'custom', path: ['options', index, 'name'], message: `option name "${option.name}" is used twice` });
      seenNames.add(name);
    });
  });
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

/** The decimals a number field renders with. */
export function decimalsOf(definition: FieldDefinition): number {
  return definition.decimals ?? 0;
}
