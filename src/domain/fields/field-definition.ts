import { z } from 'zod';
import { FIELD_TYPES } from '../../shared/resolver-contract';

/**
 * A project field as an admin defines it (DESIGN.md section 4). The catalog stores these; values
 * are checked against them (`field-values.ts`) and rendered in payloads by them.
 */

/** The type ids, exactly as they appear in webhook payloads (`fields[].type`); one list, shared with the UI. */
export { FIELD_TYPES };
export type FieldType = (typeof FIELD_TYPES)[number];

/** The types whose values are chosen from the definition's options. */
export const OPTION_FIELD_TYPES = ['list', 'multilist', 'status', 'priority'] as const satisfies readonly FieldType[];
export type OptionFieldType = (typeof OPTION_FIELD_TYPES)[number];

export function isOptionFieldType(type: FieldType): type is OptionFieldType {
  return (OPTION_FIELD_TYPES as readonly FieldType[]).includes(type);
}

/**
 * Option colours: a small named palette the UI maps to Atlaskit design tokens (so colours follow
 * the light and dark themes), or an exact `#rrggbb` for sites that need their own.
 */
export const NAMED_OPTION_COLOURS = ['grey', 'blue', 'teal', 'green', 'yellow', 'orange', 'red', 'purple'] as const;
export type NamedOptionColour = (typeof NAMED_OPTION_COLOURS)[number];
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

export const FIELD_NAME_MAX_LENGTH = 80;
export const OPTION_NAME_MAX_LENGTH = 60;
export const DESCRIPTION_MAX_LENGTH = 500;
export const MAX_OPTIONS_PER_FIELD = 100;
export const MAX_DECIMALS = 6;

const positiveId = z.number().int().positive();

export const optionColourSchema = z.string().refine((colour) => (NAMED_OPTION_COLOURS as readonly string[]).includes(colour) || HEX_COLOUR.test(colour), {
  message: `colour must be one of ${NAMED_OPTION_COLOURS.join(', ')} or a hex colour such as #1f845a`,
});

export const fieldOptionSchema = z.strictObject({
  id: positiveId,
  name: z.string().trim().min(1, 'option name is required').max(OPTION_NAME_MAX_LENGTH),
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
    name: z.string().trim().min(1, 'name is required').max(FIELD_NAME_MAX_LENGTH),
    type: z.enum(FIELD_TYPES),
    description: z.string().trim().max(DESCRIPTION_MAX_LENGTH).optional(),
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
