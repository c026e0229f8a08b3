import { z } from 'zod';
import { AFFIX_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, FIELD_NAME_MAX_LENGTH, MAX_DECIMALS, MAX_OPTIONS_PER_FIELD, OPTION_NAME_MAX_LENGTH, OPTION_VALUE_ID, OPTION_VALUE_ID_RULE } from './field-rules';
import { fieldAccessSchema } from './field-access';
import { FORMULA_MAX_LENGTH } from './field-formula';
import { FIELD_TYPES } from './field-types';
import { webhookPayloadSchemas } from './webhooks-contract';
import { apiTokenPayloadSchemas } from './api-tokens-contract';
import { cleanMultilineText, cleanName } from './text-schema';
import { plainRecord } from './plain-record';

/** zod schemas of every resolver payload: the backend parses with them before anything else. */

const fieldId = z.number().int().positive();
const projectKey = z.string().trim().min(1, 'projectKey is required').max(255).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'projectKey must be a Jira project key such as DEMO');

const fieldName = cleanName(z.string().trim().min(1, 'name is required').max(FIELD_NAME_MAX_LENGTH), 'name', { reserved: true });
const description = cleanMultilineText(z.string().max(DESCRIPTION_MAX_LENGTH), 'description');

const optionInput = z.strictObject({
  id: z.number().int().positive().optional(),
  name: cleanName(z.string().trim().min(1, 'option name is required').max(OPTION_NAME_MAX_LENGTH), 'option name'),
  colour: z.string().min(1).max(32),
  enabled: z.boolean(),
  /** Empty: none (the option is named by its name only). */
  valueId: z.string().trim().refine((v) => v === '' || OPTION_VALUE_ID.test(v), `option value id must be ${OPTION_VALUE_ID_RULE}`).optional(),
});

/** Number and formula fields: shown around the value on the page, never sent. Empty: none. */
const affix = (what: string) => cleanName(z.string().max(AFFIX_MAX_LENGTH), what).optional();
/** Formula fields: fields named in braces, e.g. `{End date} - {Start date}` (src/shared/field-formula.ts). */
const expression = z.string().max(FORMULA_MAX_LENGTH);

export const resolverPayloadSchemas = {
  getSession: z.unknown(),
  listFieldDefinitions: z.unknown(),
  createField: z.strictObject({
    name: fieldName,
    type: z.enum(FIELD_TYPES),
    description: description.optional(),
    options: z.array(optionInput).max(MAX_OPTIONS_PER_FIELD).optional(),
    decimals: z.number().int().min(0).max(MAX_DECIMALS).optional(),
    prefix: affix('prefix'),
    suffix: affix('suffix'),
    expression: expression.optional(),
    /** Who sees and edits its values; absent: everyone who browses the project sees, its administrators edit. */
    access: fieldAccessSchema.optional(),
  }),
  updateField: z.strictObject({
    id: fieldId,
    name: fieldName.optional(),
    description: description.optional(),
    options: z.array(optionInput).max(MAX_OPTIONS_PER_FIELD).optional(),
    decimals: z.number().int().min(0).max(MAX_DECIMALS).optional(),
    prefix: affix('prefix'),
    suffix: affix('suffix'),
    expression: expression.optional(),
    access: fieldAccessSchema.optional(),
  }),
  countFieldUsage: z.strictObject({ id: fieldId }),
  deleteField: z.strictObject({ id: fieldId }),
  listFieldCleanups: z.unknown(),
  getProjectFields: z.strictObject({ projectKey }),
  saveProjectFields: z.strictObject({
    projectKey,
    baseRevision: z.number().int().nonnegative(),
    values: plainRecord(z.string().regex(/^\d+$/, 'field ids are numbers'), z.unknown()),
  }),
  searchUsers: z.strictObject({ query: z.string().max(100) }),
  searchBrowsableProjects: z.strictObject({ query: z.string().max(100) }),
  getUsers: z.strictObject({ accountIds: z.array(z.string().min(1).max(128)).max(200) }),
  listProjectRoles: z.unknown(),
  searchGroups: z.strictObject({ query: z.string().max(100) }),
  ...webhookPayloadSchemas,
  ...apiTokenPayloadSchemas,
} satisfies Record<string, z.ZodType>;
