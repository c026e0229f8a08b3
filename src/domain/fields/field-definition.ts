import { z } from 'zod';
import {
  AFFIX_MAX_LENGTH,
  DESCRIPTION_MAX_LENGTH,
  FIELD_NAME_MAX_LENGTH,
  isOptionColour,
  isOptionFieldType,
  MAX_DECIMALS,
  MAX_OPTIONS_PER_FIELD,
  NAMED_OPTION_COLOURS,
  OPTION_FIELD_TYPES,
  OPTION_NAME_MAX_LENGTH,
  OPTION_VALUE_ID,
  OPTION_VALUE_ID_RULE,
  type NamedOptionColour,
  type OptionFieldType,
} from '../../shared/field-rules';
import { FORMULA_MAX_LENGTH } from '../../shared/field-formula';
import { fieldAccessSchema } from '../../shared/field-access';
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
  /**
   * The option's value id where the admin set one apart from its name (Projectrak's "value id"):
   * clients may name the option by it; webhooks still send the name. Absent in older records.
   */
  valueId: z.string().trim().regex(OPTION_VALUE_ID, `option value id must be ${OPTION_VALUE_ID_RULE}`).optional(),
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
    /** Number and formula fields only; without it, 0 decimals. */
    decimals: z.number().int().min(0).max(MAX_DECIMALS).optional(),
    /** Number and formula fields only: shown before and after the value on the page, never sent to webhooks. */
    prefix: cleanName(z.string().max(AFFIX_MAX_LENGTH), 'prefix').optional(),
    suffix: cleanName(z.string().max(AFFIX_MAX_LENGTH), 'suffix').optional(),
    /** Formula fields only (and required there): the expression, fields named in braces (field-formula.ts). */
    expression: z.string().trim().min(1, 'a formula needs an expression').max(FORMULA_MAX_LENGTH).optional(),
    /** Who sees and who edits its values (field values security); absent: the default (shared/field-access.ts). */
    access: fieldAccessSchema.optional(),
  })
  .superRefine((definition, ctx) => {
    if (definition.options !== undefined && !isOptionFieldType(definition.type)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${definition.type} field has no options; only ${OPTION_FIELD_TYPES.join(', ')} fields do` });
    }
    const numeric = definition.type === 'number' || definition.type === 'formula';
    if (definition.decimals !== undefined && !numeric) {
      ctx.addIssue({ code: 'custom', path: ['decimals'], message: `a ${definition.type} field has no decimals; only number and formula fields do` });
    }
    for (const affix of ['prefix', 'suffix'] as const) {
      if (definition[affix] !== undefined && !numeric) ctx.addIssue({ code: 'custom', path: [affix], message: `a ${definition.type} field has no ${affix}; only number and formula fields do` });
    }
    if (definition.type === 'formula' && definition.expression === undefined) ctx.addIssue({ code: 'custom', path: ['expression'], message: 'a formula field needs an expression' });
    if (definition.expression !== undefined && definition.type !== 'formula') {
      ctx.addIssue({ code: 'custom', path: ['expression'], message: `a ${definition.type} field has no expression; only formula fields do` });
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
    // A value id names its option as its name does: it may not be another option's name or value id.
    const seenValueIds = new Set<string>();
    (definition.options ?? []).forEach((option, index) => {
      if (option.valueId === undefined) return;
      const valueId = option.valueId.toLowerCase();
      if (seenValueIds.has(valueId)) ctx.addIssue({ code: 'custom', path: ['options', index, 'valueId'], message: `option value id "${option.valueId}" is used twice` });
      seenValueIds.add(valueId);
      const named = (definition.options ?? []).find((other) => other !== option && other.name.toLowerCase() === valueId);
      if (named) ctx.addIssue({ code: 'custom', path: ['options', index, 'valueId'], message: `option value id "${option.valueId}" is the name of option "${named.name}"` });
    });
  });
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

/** The decimals a number field renders with. */
export function decimalsOf(definition: FieldDefinition): number {
  return definition.decimals ?? 0;
}
